using Trm.Rl.Evaluation;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Tests.Evaluation;

public class GenerativeEvaluatorTests
{
    [Test]
    public void ModelThatAlwaysAnswersFourSolvesOnlyTheProblemWhoseAnswerIsFour()
    {
        var tokenizer = CharTokenizer.Build("0123456789+?# abcdefghijklmnopqrstuvwxyz");
        var template = ChatTemplate.Create(tokenizer);
        var four = template.Tokenizer.EncodeToIds("4")[0];
        // <|assistant|> -> "4" -> <|end|>: every reply is "4".
        using var model = new BigramModel(template.Tokenizer.VocabSize, template.EndId, new Dictionary<int, int> { [template.AssistantId] = four });
        var problems = new List<GenerativeProblem>
        {
            new([ChatMessage.User("2+2?")], "4", "p1"),
            new([ChatMessage.User("2+3?")], "5", "p2"),
            new([ChatMessage.User("what is 1+3?")], "4", "p3"),
        };
        var evaluator = new GenerativeEvaluator("toy", problems, tokenizer, new GenerativeEvalOptions { Samples = 2, Temperature = 1.0, MaxNewTokens = 4, BatchSize = 4 });
        var result = evaluator.EvaluateLanguageModel(model);
        Assert.Multiple(() =>
        {
            Assert.That(result["pass@1"], Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That(result["pass@2"], Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That(evaluator.LastOutcomes.Select(o => o.Count), Is.All.EqualTo(2));
        });
    }

    [Test]
    public void Gsm8kFileGivesQuestionAndFinalAnswer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gsm-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, "{\"question\":\"How many?\",\"answer\":\"2 + 2 = <<2+2=4>>4\\n#### 1,004\"}\n");
        try
        {
            var problem = ChatTasks.ReadGsm8k(path).Single();
            Assert.That((problem.Prompt[0].Content, problem.Reference), Is.EqualTo(("How many?", "1004")));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
