import CSSSKernels

/// Threads that run one closure together and meet at barriers (the Swift face of `csss_team`).
///
/// A team of one runs everything on the calling thread. Members after the first are threads the team
/// keeps for its lifetime, sleeping between runs.
final class ThreadTeam: @unchecked Sendable {
    private let team: OpaquePointer
    let size: Int

    /// A team of `size` members, or `nil` if the threads could not be started.
    init?(size: Int) {
        guard let team = csss_team_create(Int32(size)) else { return nil }
        self.team = team
        self.size = Int(csss_team_size(team))
    }

    deinit {
        csss_team_destroy(team)
    }

    /// Runs `work(member, size)` on every member at once and returns when all have finished.
    ///
    /// `work` runs on the team's threads while this call waits, so it may use whatever the caller can.
    func run(_ work: (_ member: Int, _ size: Int) -> Void) {
        withoutActuallyEscaping(work) { work in
            var work = work
            withUnsafeMutablePointer(to: &work) { context in
                csss_team_run(team, { context, member, size in
                    context!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(Int(member), Int(size))
                }, context)
            }
        }
    }

    /// Waits for every member to arrive; call from inside ``run(_:)`` on all members.
    func barrier() {
        csss_team_barrier(team)
    }

    /// The next of 0, 1, 2, … handed out across the members of the current run.
    func claim() -> Int {
        Int(csss_team_claim(team))
    }
}
