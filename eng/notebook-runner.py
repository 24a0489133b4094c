#!/usr/bin/env python3
"""Runs Polyglot notebooks (.ipynb, C#) headlessly through `dotnet-interactive stdio` and checks every code cell.

    notebook-runner.py --kernel PATH/dotnet-interactive [--timeout 300] [--out DIR] NOTEBOOK...

For each code cell it sends a SubmitCode command (one JSON line on the kernel's stdin) and reads events (JSON lines on
stdout) until the command's CommandSucceeded or CommandFailed. A cell passes when the command succeeded, no
ErrorProduced event or error diagnostic came, and every regular expression in the cell's metadata `trm.expect`
matches the text of its outputs (display/return values, stdout). Prints "notebook-test: PASS|FAIL <notebook>" per
notebook and, with --out, writes the executed notebook (outputs filled in) there.
"""
import argparse, json, os, queue, re, subprocess, sys, threading, time, uuid


class Kernel:
    def __init__(self, kernel, cwd):
        env = dict(os.environ, DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
        self.proc = subprocess.Popen([kernel, "stdio", "--working-dir", cwd], cwd=cwd, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, encoding="utf-8", bufsize=1)
        self.events = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith("{"):
                try:
                    self.events.put(json.loads(line))
                except json.JSONDecodeError:
                    pass
        self.events.put(None)

    def submit(self, code, timeout):
        token = uuid.uuid4().hex
        envelope = {"commandType": "SubmitCode", "command": {"code": code, "targetKernelName": "csharp"}, "token": token}
        self.proc.stdin.write(json.dumps(envelope) + "\n")
        self.proc.stdin.flush()
        outputs, errors, deadline = [], [], time.time() + timeout
        while True:
            try:
                ev = self.events.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                return outputs, errors + [f"timed out after {timeout} s"]
            if ev is None:
                return outputs, errors + ["the kernel exited"]
            tok = (ev.get("command") or {}).get("token", "")
            if not (tok == token or tok.startswith(token + ".")):
                continue
            kind, body = ev.get("eventType"), ev.get("event") or {}
            if kind in ("DisplayedValueProduced", "DisplayedValueUpdated", "ReturnValueProduced"):
                outputs.append({"kind": kind, "values": {v["mimeType"]: v["value"] for v in body.get("formattedValues", [])}})
            elif kind in ("StandardOutputValueProduced", "StandardErrorValueProduced"):
                outputs.append({"kind": kind, "values": {v["mimeType"]: v["value"] for v in body.get("formattedValues", [])}})
            elif kind == "ErrorProduced":
                errors.append(body.get("message", "error"))
            elif kind == "DiagnosticsProduced":
                errors += [d.get("message", "") for d in body.get("diagnostics", []) if d.get("severity") == "error"]
            elif kind == "CommandFailed" and tok == token:
                return outputs, errors + [body.get("message", "command failed")]
            elif kind == "CommandSucceeded" and tok == token:
                return outputs, errors

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def text_of(outputs):
    parts = []
    for o in outputs:
        v = o["values"]
        parts.append(v.get("text/plain", ""))
        parts.append(v.get("text/html", ""))
    return "\n".join(parts)


def to_ipynb_outputs(outputs):
    cells = []
    for o in outputs:
        if o["kind"].startswith("Standard"):
            cells.append({"output_type": "stream", "name": "stdout" if "Output" in o["kind"] else "stderr",
                          "text": o["values"].get("text/plain", "")})
        else:
            cells.append({"output_type": "display_data", "metadata": {}, "data": o["values"]})
    return cells


def run_notebook(path, kernel_path, timeout, out_dir):
    nb = json.load(open(path, encoding="utf-8"))
    kernel = Kernel(kernel_path, os.path.dirname(os.path.abspath(path)))
    failures, name = [], os.path.basename(path)
    try:
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            code = "".join(cell["source"])
            started = time.time()
            outputs, errors = kernel.submit(code, timeout)
            cell["outputs"] = to_ipynb_outputs(outputs)
            text = text_of(outputs)
            for pattern in (cell.get("metadata", {}).get("trm", {}).get("expect", [])):
                if not re.search(pattern, text):
                    errors.append(f"expected /{pattern}/ in the output")
            status = "ok" if not errors else "FAILED"
            print(f"  {name} cell {index}: {status} ({time.time() - started:.1f} s)", file=sys.stderr)
            if errors:
                shown = re.sub(r"\s+", " ", text)[:600]
                failures.append(f"cell {index}: " + "; ".join(e[:500] for e in errors) + f" | output: {shown}")
                break  # later cells depend on this one
    finally:
        kernel.close()
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        json.dump(nb, open(os.path.join(out_dir, name), "w", encoding="utf-8"), indent=1, ensure_ascii=False)
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--out")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args()
    failed = 0
    for path in args.notebooks:
        failures = run_notebook(path, args.kernel, args.timeout, args.out)
        name = os.path.splitext(os.path.basename(path))[0]
        if failures:
            failed += 1
            print(f"notebook-test: FAIL {name}")
            for f in failures:
                print(f"  | {f}")
        else:
            print(f"notebook-test: PASS {name}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
