@testable import HyperPower
import Testing

/// The refit schedule and the fit subset of long studies (issue #16, item 6): what makes a
/// suggestion at n = 600 cost a Cholesky factorisation instead of a MAP fit on all n.
@Suite struct LongStudyTests {
    @Test func hyperparametersAreRefittedEveryTimeBelowOneHundredThenOnASchedule() {
        #expect((1..<100).allSatisfy { ConstrainedGPSampler.refitsHyperparameters(observations: $0) })
        let refits = (100..<1000).filter { ConstrainedGPSampler.refitsHyperparameters(observations: $0) }
        // ⌊n/25⌋ grows from 4 to 39: roughly Σ 1/⌊n/25⌋ ≈ 25·ln 10 ≈ 58 refits in 900 suggestions.
        #expect(refits.count > 40 && refits.count < 80, "\(refits.count)")
        #expect(refits.contains(100) && refits.contains(300))
        // Never more than ⌊n/25⌋ observations between two refits.
        for (a, b) in zip(refits, refits.dropFirst()) { #expect(b - a <= max(b / 25, 1)) }
    }

    @Test func fitsSeeTheRecentHalfAndAnEvenSpreadOfTheRest() throws {
        #expect(ConstrainedGPSampler.fitSubset(observations: 300, size: 300) == nil)
        let subset = try #require(ConstrainedGPSampler.fitSubset(observations: 1000, size: 300))
        #expect(subset.count == 300)
        #expect(Set(subset).count == 300)
        #expect(subset == subset.sorted())
        #expect(subset.first == 0 && subset.last == 999)
        #expect(Set(850..<1000).isSubset(of: Set(subset)))
        // The older half is spread evenly: gaps of 850/150 ≈ 5.7.
        let older = subset.filter { $0 < 850 }
        #expect(zip(older, older.dropFirst()).allSatisfy { $1 - $0 >= 5 && $1 - $0 <= 6 })
    }
}
