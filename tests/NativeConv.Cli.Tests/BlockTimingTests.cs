using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>Rotating blocks: each program takes each place in a round equally often, and each block's time is its own program's.</summary>
public class BlockTimingTests
{
    [Fact]
    public void Rounds_rotate_which_program_goes_first()
    {
        var calls = new List<int>();
        Action[] programs = Enumerable.Range(0, 3).Select(p => (Action)(() => calls.Add(p))).ToArray();
        BlockTiming.Measure(programs, rounds: 3, blockMilliseconds: 0.5);
        // The warm-up calls the programs in turn (runs of one); a block is a run of at least its 3 untimed calls and 1 timed.
        var blocks = new List<int>();
        for (int i = 0; i < calls.Count;)
        {
            int j = i;
            while (j < calls.Count && calls[j] == calls[i]) j++;
            if (j - i >= 4) blocks.Add(calls[i]);
            i = j;
        }
        Assert.Equal([0, 1, 2, 1, 2, 0, 2, 0, 1], blocks);
    }

    [Fact]
    public void Each_program_gets_its_own_time_and_ratios_are_taken_round_by_round()
    {
        Action fast = () => Thread.SpinWait(1), slow = () => Thread.Sleep(2);
        BlockTiming timing = BlockTiming.Measure([fast, slow], rounds: 3, blockMilliseconds: 5);
        Assert.Equal(3, timing.Microseconds(0).Count);
        // A sleep of 2 ms lasts at least 2000 µs; the spin is far shorter.
        Assert.All(timing.Microseconds(1), us => Assert.True(us >= 2000, $"{us} µs"));
        Assert.All(timing.Ratios(0, 1), r => Assert.True(r < 0.5, $"ratio {r}"));
        Assert.Equal(timing.Microseconds(0).Zip(timing.Microseconds(1), (a, b) => a / b), timing.Ratios(0, 1));
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(2, BlockTiming.Median([3, 1, 2]));
        Assert.Equal(2.5, BlockTiming.Median([4, 1, 3, 2]));
        Assert.Throws<ArgumentException>(() => BlockTiming.Median([]));
    }
}
