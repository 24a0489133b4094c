using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trm.Data.Tests.Support;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 for downloader tests: serves byte arrays with Range support, and can drop the
/// connection mid-body, answer 404/500, or ignore Range requests. One connection per request (Connection: close).
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, Route> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalHttpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public sealed class Route
    {
        public byte[] Content { get; init; } = [];
        public int Status { get; init; } = 200;
        public bool IgnoreRange { get; init; }
        /// <summary>The first <see cref="DropTimes"/> responses are cut after this many body bytes.</summary>
        public int DropAfterBytes { get; init; }
        public int DropTimes { get; set; }
        /// <summary>The first <see cref="ErrorTimes"/> responses are HTTP 500.</summary>
        public int ErrorTimes { get; set; }
    }

    /// <summary>Every request: path and Range header (or null).</summary>
    public List<(string Path, string? Range)> Requests { get; } = [];

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public Uri Add(string path, Route route)
    {
        lock (_routes)
            _routes[path] = route;
        return new Uri(BaseUri, path);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var lines = head.Split("\r\n");
                var path = lines[0].Split(' ')[1].TrimStart('/');
                var range = lines.Skip(1).Where(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase)).Select(l => l[6..].Trim()).FirstOrDefault();
                Route? route;
                bool drop, error;
                lock (_routes)
                {
                    Requests.Add((path, range));
                    _routes.TryGetValue(path, out route);
                    error = route is { ErrorTimes: > 0 };
                    if (error)
                        route!.ErrorTimes--;
                    drop = !error && route is { DropTimes: > 0 };
                    if (drop)
                        route!.DropTimes--;
                }
                if (route is null || route.Status == 404)
                {
                    await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                if (error || route.Status == 500)
                {
                    await WriteAsync(stream, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                var content = route.Content;
                long start = 0;
                string status = "200 OK", extra = "";
                if (range is not null && !route.IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal))
                {
                    start = long.Parse(range[6..].Split('-')[0]);
                    if (start >= content.Length)
                    {
                        await WriteAsync(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{content.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        return;
                    }
                    status = "206 Partial Content";
                    extra = $"Content-Range: bytes {start}-{content.Length - 1}/{content.Length}\r\n";
                }
                var body = content.AsMemory((int)start);
                await WriteAsync(stream, $"HTTP/1.1 {status}\r\n{extra}Content-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
                if (drop)
                {
                    await stream.WriteAsync(body[..Math.Min(route.DropAfterBytes, body.Length)]);
                    await stream.FlushAsync();
                    client.Client.LingerState = new LingerOption(true, 0);
                    return; // the client sees the connection end before Content-Length bytes
                }
                await stream.WriteAsync(body);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r')
                break;
        }
        return Encoding.ASCII.GetString(bytes.ToArray());
    }

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
