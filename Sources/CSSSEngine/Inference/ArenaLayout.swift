/// Where each storage of a ``Program`` lives in a plan's arena, for a given batch size.
///
/// Storages are placed in slots; a slot is reused by a later storage once the last step reading its
/// previous occupant has run, so a 150-layer network needs memory for a few activations at a time, not
/// for all of them. The caller's results (output, logits, taps) keep their slots to the end.
struct ArenaLayout {
    /// The offset in floats of each storage; storage 0 (the caller's input) has none.
    var offsets: [Int?]
    /// The arena's size in floats.
    var count: Int

    /// Offsets are rounded to 16 floats so every storage starts on a cache line.
    private static let alignment = 16

    /// - Complexity: O(steps × slots).
    init(program: Program, batch: Int) {
        let storages = program.storageCounts.count
        var lastRead = [Int](repeating: -1, count: storages)
        for (index, planned) in program.steps.enumerated() {
            for input in planned.step.inputs {
                lastRead[input] = index
            }
        }
        for kept in program.keptStorages {
            lastRead[kept] = .max
        }

        var slots: [(count: Int, busyThrough: Int)] = []
        var slotOf = [Int?](repeating: nil, count: storages)
        for (index, planned) in program.steps.enumerated() {
            let storage = planned.step.output
            let needed = (program.storageCounts[storage] * batch + Self.alignment - 1) / Self.alignment * Self.alignment
            let free = slots.indices.filter { slots[$0].busyThrough < index }
            // The smallest free slot that fits; else the largest free one, grown; else a new one.
            let slot = free.filter { slots[$0].count >= needed }.min { slots[$0].count < slots[$1].count }
                ?? free.max { slots[$0].count < slots[$1].count }
                ?? { slots.append((0, 0)); return slots.count - 1 }()
            slots[slot] = (max(slots[slot].count, needed), max(lastRead[storage], index))
            slotOf[storage] = slot
        }

        var slotOffsets: [Int] = []
        var end = 0
        for slot in slots {
            slotOffsets.append(end)
            end += slot.count
        }
        offsets = slotOf.map { $0.map { slotOffsets[$0] } }
        count = end
    }
}
