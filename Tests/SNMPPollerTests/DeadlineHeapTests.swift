import Testing

@testable import SNMPPoller

@Suite("The engine's deadline heap")
struct DeadlineHeapTests {
    @Test("entries come out earliest first, whatever order they went in")
    func order() {
        var generator = SystemRandomNumberGenerator()
        var heap = DeadlineHeap<Int, Int>()
        var pushed: [Int] = []
        for key in 0..<1_000 {
            let deadline = Int.random(in: 0..<200, using: &generator)
            heap.push(deadline, key)
            pushed.append(deadline)
        }
        #expect(heap.count == 1_000)
        var popped: [Int] = []
        while let entry = heap.popFirst() { popped.append(entry.deadline) }
        #expect(popped == pushed.sorted())
        #expect(heap.isEmpty)
        #expect(heap.popFirst() == nil)
    }

    @Test("pushes between pops keep the order, and keys travel with their deadlines")
    func interleaved() {
        var heap = DeadlineHeap<Int, String>()
        heap.push(30, "c")
        heap.push(10, "a")
        #expect(heap.first?.key == "a")
        #expect(heap.popFirst()?.key == "a")
        heap.push(20, "b")
        heap.push(40, "d")
        heap.push(5, "early")
        #expect(heap.popFirst()?.key == "early")
        #expect(heap.popFirst()?.key == "b")
        #expect(heap.popFirst()?.key == "c")
        #expect(heap.popFirst()?.key == "d")
        #expect(heap.first == nil)
    }
}
