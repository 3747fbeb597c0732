/// A binary min-heap of (deadline, key): the engine thread's timers, one per session with
/// requests in flight. Pushing and popping cost O(log n); nothing scans all sessions.
///
/// Entries are never updated in place: a key whose deadline changes gets a new entry, and the
/// owner ignores a popped entry that no longer matches its record (a stale one).
struct DeadlineHeap<Deadline: Comparable, Key> {
    private(set) var entries: [(deadline: Deadline, key: Key)] = []

    var isEmpty: Bool { self.entries.isEmpty }
    var count: Int { self.entries.count }

    /// The earliest entry, if any.
    var first: (deadline: Deadline, key: Key)? { self.entries.first }

    mutating func push(_ deadline: Deadline, _ key: Key) {
        self.entries.append((deadline, key))
        var child = self.entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.entries[child].deadline < self.entries[parent].deadline else { break }
            self.entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry.
    @discardableResult
    mutating func popFirst() -> (deadline: Deadline, key: Key)? {
        guard !self.entries.isEmpty else { return nil }
        self.entries.swapAt(0, self.entries.count - 1)
        let first = self.entries.removeLast()
        var parent = 0
        let count = self.entries.count
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < count, self.entries[left].deadline < self.entries[smallest].deadline { smallest = left }
            if right < count, self.entries[right].deadline < self.entries[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            self.entries.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }

    mutating func removeAll() {
        self.entries.removeAll()
    }
}
