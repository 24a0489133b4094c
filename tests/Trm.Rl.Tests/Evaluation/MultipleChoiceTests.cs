using Trm.Data;
using Trm.Rl.Evaluation;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Tests.Evaluation;

public class MultipleChoiceTests
{
    private static readonly CharTokenizer Tokenizer = CharTokenizer.Build("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:?=-\n");

    [Test]
    public void PromptFollowsNanochatsLayout()
    {
        var problem = new MultipleChoiceProblem("Sky colour?", ["red", "blue"], 1, "x");
        Assert.That(problem.FormatPrompt(), Is.EqualTo("Multiple Choice question: Sky colour?\n- red=A\n- blue=B\nRespond only with the letter of the correct answer."));
    }

    [Test]
    public void PicksTheLetterWithTheHighestLogit()
    {
        var template = ChatTemplate.Create(Tokenizer);
        var vocab = template.Tokenizer.VocabSize;
        int Id(string letter) => template.Tokenizer.EncodeToIds(letter)[0];
        // After <|assistant|>: 'z' (not a letter choice) is highest overall, then C, then A; B and D low.
        using var model = new BigramModel(vocab, template.EndId, new Dictionary<int, int> { [template.AssistantId] = template.Tokenizer.EncodeToIds("z")[0] });
        model.Set(template.AssistantId, Id("C"), 20f);
        model.Set(template.AssistantId, Id("A"), 10f);
        model.Set(template.AssistantId, Id("D"), -5f);
        var problems = new List<MultipleChoiceProblem>
        {
            new("q1", ["a", "b", "c", "d"], 2, "1"), // right: C is the best letter
            new("q2", ["a", "b"], 1, "2"),           // only A and B count: A wins, wrong
            new("q3 is a longer question", ["a", "b", "c"], 0, "3"), // C wins, wrong
        };
        var evaluator = new MultipleChoiceEvaluator("mc", problems, Tokenizer, batchSize: 2);
        var result = evaluator.EvaluateLanguageModel(model);
        Assert.Multiple(() =>
        {
            Assert.That(evaluator.LastPredictions, Is.EqualTo(new[] { 2, 0, 2 }));
            Assert.That(result["accuracy"], Is.EqualTo(1.0 / 3).Within(1e-12));
            Assert.That(result["chance"], Is.EqualTo((0.25 + 0.5 + 1.0 / 3) / 3).Within(1e-12));
        });
    }

    [Test]
    public void ReadsArcHuggingFaceAndMmluLayouts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mc-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, """
            {"question":{"stem":"Q1","choices":[{"text":"x","label":"1"},{"text":"y","label":"2"},{"text":"z","label":"3"}]},"answerKey":"2"}
            {"question":"Q2","choices":{"text":["p","q"],"label":["A","B"]},"answerKey":"B"}
            {"question":"Q3","choices":["m","n","o","p"],"answer":3}
            """);
        try
        {
            var problems = MultipleChoiceReader.Read(path);
            Assert.Multiple(() =>
            {
                Assert.That(problems.Select(p => p.Question), Is.EqualTo(new[] { "Q1", "Q2", "Q3" }));
                Assert.That(problems.Select(p => p.Answer), Is.EqualTo(new[] { 1, 1, 3 }));
                Assert.That(problems[0].Choices, Is.EqualTo(new[] { "x", "y", "z" }));
            });
            File.WriteAllText(path, "{\"question\":\"Q\",\"choices\":[\"a\",\"b\"],\"answerKey\":\"C\"}\n");
            var error = Assert.Throws<TrmDataException>(() => MultipleChoiceReader.Read(path));
            Assert.That((error!.Line, error.Field), Is.EqualTo(((long?)1, "answerKey")));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
