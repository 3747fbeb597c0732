internal import GRDB
import Synchronization

/// Counts the committed transactions that changed any of a set of tables, through a GRDB
/// transaction observer on the writer connection: the version that cached answers depending on
/// those tables are checked against. Every write of this process goes through that connection,
/// whoever makes it; rows written by another process (a `sqlite3` shell) are not seen.
public final class TableChangeCounter: Sendable {
    private let count = Atomic<UInt64>(0)
    /// The observed tables (lower case).
    public let tables: Set<String>

    init(tables: Set<String>) {
        self.tables = Set(tables.map { $0.lowercased() })
    }

    /// Increases on every committed transaction that inserted, updated or deleted a row of
    /// ``tables``. Read it before reading the data a cached answer is built from.
    public var value: UInt64 { self.count.load(ordering: .acquiring) }

    fileprivate func increment() {
        self.count.add(1, ordering: .releasing)
    }

    /// Starts counting the changes made through `pool` (for the database's lifetime).
    func observe(_ pool: DatabasePool) {
        pool.add(transactionObserver: Observer(counter: self), extent: .databaseLifetime)
    }

    /// Called on the writer's queue only.
    private final class Observer: TransactionObserver {
        let counter: TableChangeCounter
        private var changed = false

        init(counter: TableChangeCounter) {
            self.counter = counter
        }

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
            self.counter.tables.contains(eventKind.tableName.lowercased())
        }

        func databaseDidChange(with event: DatabaseEvent) {
            self.changed = true
            self.stopObservingDatabaseChangesUntilNextTransaction()
        }

        func databaseDidCommit(_ db: Database) {
            if self.changed { self.counter.increment() }
            self.changed = false
        }

        func databaseDidRollback(_ db: Database) {
            self.changed = false
        }
    }
}
