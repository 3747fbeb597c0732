import NetmonCore
import Testing

@testable import Storage

@Suite struct FlowQueueTakeTests {
    private static func records(_ range: Range<Int>) -> [FlowRecord] {
        range.map { FlowRecord(origin: .ipfix, exporter: .v4(1), packets: UInt64($0)) }
    }

    @Test func batchesKeepOrderAndSplitSubmissionsAtTheSize() {
        let submissions = [Self.records(0..<3), Self.records(3..<10), Self.records(10..<11), Self.records(11..<16)]
        let take = FlowQueueTake(submissions: submissions)
        let batches = take.batches(size: 4)
        #expect(batches.map(\.count) == [4, 4, 4, 4])
        #expect(batches.flatMap { $0.records.map(\.packets) } == (0..<16).map(UInt64.init))
        for batch in batches {
            #expect(batch.parts.reduce(0) { $0 + $1.count } == batch.count)
            #expect(batch.parts.allSatisfy { !$0.isEmpty })
        }
    }

    @Test func aLastPartialBatchAndOversizedSubmissions() {
        let take = FlowQueueTake(submissions: [Self.records(0..<25)])
        #expect(take.batches(size: 10).map(\.count) == [10, 10, 5])
        #expect(take.batches(size: 100).map(\.count) == [25])
        #expect(FlowQueueTake(submissions: []).batches(size: 10).isEmpty)
    }

    @Test func queueHandsOverSubmissionsWithoutLosingAny() {
        let queue = FlowQueue(capacity: 10, wakeThreshold: 4)
        guard case .accepted(depth: 3, wakeWriter: false) = queue.offer(Self.records(0..<3)) else {
            Issue.record("first batch refused")
            return
        }
        guard case .accepted(depth: 7, wakeWriter: true) = queue.offer(Self.records(3..<7)) else {
            Issue.record("second batch refused")
            return
        }
        guard case .dropped = queue.offer(Self.records(7..<11)) else {
            Issue.record("a batch past the capacity was accepted")
            return
        }
        let take = queue.takeAll()
        #expect(take?.submissions.map(\.count) == [3, 4])
        #expect(queue.takeAll() == nil)
        #expect(queue.statistics.queueDepth == 7)
        #expect(queue.finish(count: 7, committed: true) == 0)
        #expect(queue.statistics.dropped == 4)
    }
}
