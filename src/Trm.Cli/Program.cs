using Trm.Cli;

return await TrmCommandLine.InvokeAsync(args);
