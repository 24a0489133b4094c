namespace Trm.Rl.Grpo;

/// <summary>A penalty subtracted from the reward of replies longer than <see cref="GrpoOptions.LengthPenaltyTarget"/> tokens.</summary>
public enum GrpoLengthPenalty
{
    /// <summary>No penalty.</summary>
    None,

    /// <summary><c>coef · (length − target)</c> for replies over the target.</summary>
    Linear,

    /// <summary>DAPO's relative form: <c>coef · (length − target) / target</c> for replies over the target.</summary>
    Dapo,
}
