// Hosted training: the quickstart's Sudoku TRM on the .NET Generic Host. appsettings.json holds the training options
// under Trm:Training with the reference's snake_case names (PascalCase works too); they are validated at start-up, and
// the dataset builder, the trainer factory and the puzzle solver all come from the container.
// Usage: dotnet run --project samples/HostedTraining -c Release [-- --Trm:Training:max_steps=300]
using HostedTraining;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSudokuTraining(builder.Configuration);
using var host = builder.Build();
await host.StartAsync();   // a misspelled key or a bad value in appsettings.json stops here, named as written

var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;   // Ctrl+C
var report = await host.Services.GetRequiredService<SudokuTrainingJob>().RunAsync(stopping);
Console.WriteLine(report);
await host.StopAsync();
