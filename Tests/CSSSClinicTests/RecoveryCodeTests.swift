import Testing
@testable import CSSSClinic

@Suite("Recovery codes")
struct RecoveryCodeTests {
    @Test("codes are three dash-separated groups of four unambiguous symbols")
    func format() {
        let codes = RecoveryCode.generate()
        #expect(codes.count == 10)
        let allowed = Set("23456789abcdefghjkmnpqrstuvwxyz")
        for code in codes {
            let groups = code.split(separator: "-", omittingEmptySubsequences: false)
            #expect(groups.count == 3 && groups.allSatisfy { $0.count == 4 }, "\(code)")
            #expect(groups.joined().allSatisfy(allowed.contains), "\(code)")
        }
        #expect(RecoveryCode.generate(count: 3).count == 3)
    }

    @Test("a thousand codes are all different and use the whole alphabet")
    func uniqueness() {
        let codes = RecoveryCode.generate(count: 1000)
        #expect(Set(codes).count == 1000)
        #expect(Set(codes.joined().filter { $0 != "-" }).count == 31)
    }

    @Test("the digest ignores case, spaces and dashes, and is SHA-256 hex")
    func digestNormalises() {
        let digest = RecoveryCode.digest("k7qp-m3xw-9tce")
        #expect(RecoveryCode.digest("K7QP M3XW 9TCE") == digest)
        #expect(RecoveryCode.digest(" k7qpm3xw9tce ") == digest)
        #expect(RecoveryCode.digest("k7qp-m3xw-9tcf") != digest)
        // printf k7qpm3xw9tce | sha256sum
        #expect(digest == "1b6c722417d89ae283677d1f744472d6cd544dfb4e09eaad1954d301f9478ba3")
    }
}
