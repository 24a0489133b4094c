namespace Trm.Data.Puzzles.Hanoi;

/// <summary>How a Hanoi dataset is divided into train and test.</summary>
public enum HanoiSplit
{
    /// <summary>Train on every state of the smaller disc counts, test on every state of the largest (generalisation to more discs).</summary>
    ByDiscs,
    /// <summary>Pool every state of every disc count and hold out a random fraction for test.</summary>
    ByState,
}
