import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NetmonCore
import Storage

/// Batch ingestion of custom metrics: validated samples handed to the daemon's ``SampleWriter``,
/// so they are rolled up, compressed and expired like polled ones.
///
/// Bounded: the body is at most 1 MiB and 10,000 samples; a request is accepted only when its
/// samples fit in half of the writer's queue (the other half stays for the poller), else 429 with
/// `Retry-After`; without a running writer, 503. Accepted samples are written within the writer's
/// flush interval (`storage.flush_interval`).
struct IngestRoutes {
    let writer: SampleWriter?
    let registry: SeriesRegistry
    let devices: DeviceAdminStore
    let scope: ReportScope

    static let notJSON =
        "the body must be valid JSON: an object whose samples are [integer timestamp_ms, finite number] "
        + "(NaN and infinity cannot be sent)"

    /// The share of the writer's queue the API may fill, so that polling always finds room.
    static func room(_ statistics: SampleWriterStatistics) -> Int {
        max(0, statistics.queueCapacity / 2 - statistics.queueDepth)
    }

    static func queueFull(_ count: Int, room: Int) -> APIError {
        APIError(
            .tooManyRequests,
            "queue_full",
            "the sample writer's queue has room for \(room) more samples now, not \(count); retry in a second "
                + "or send smaller batches",
            headers: [.retryAfter: "1"]
        )
    }

    /// The oldest timestamp accepted at `now`: the first hour not yet rolled up (older samples
    /// could never enter the rollups), at least an hour and at most a day back.
    func earliest(now: Int64) async throws -> Int64 {
        let hour: Int64 = 3_600_000
        let floorHour = TimeSeriesResolution.floorTo(now, hour)
        let watermark = try await self.scope.rolledUpUntil() ?? (floorHour - hour)
        return max(watermark, now - 86_400_000)
    }

    func register(on api: APIRouteBuilder) {
        api.add(
            .post,
            "/api/v1/series/ingest",
            access: .role(.editor),
            action: "series.ingest",
            summary: "Write a batch of custom metric samples (series created on first use)",
            operation: .init(
                requestBody: "IngestRequest",
                response: "IngestResult",
                status: 202,
                extraErrors: [429, 503]
            )
        ) { request, context, principal in
            guard let writer = self.writer else {
                throw APIError(.serviceUnavailable, "unavailable", "ingestion needs the daemon's sample writer")
            }
            var request = request
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: IngestRequest.maxBodyBytes)
            } catch {
                throw APIError(.contentTooLarge, "payload_too_large", "the request body is larger than 1 MiB")
            }
            let body: IngestRequest
            do {
                body = try JSONDecoder().decode(IngestRequest.self, from: Data(buffer.readableBytesView))
            } catch DecodingError.keyNotFound(let key, _) {
                throw APIError.invalidBody("missing field \(key.stringValue)")
            } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
                DecodingError.dataCorrupted(let context)
            {
                guard !context.codingPath.isEmpty else { throw APIError.invalidBody(Self.notJSON) }
                let field = context.codingPath.map(\.stringValue).joined(separator: ".")
                throw APIError.invalidBody(
                    "field \(field) is malformed (a sample is [integer timestamp_ms, finite number])"
                )
            } catch {
                throw APIError.invalidBody(Self.notJSON)
            }
            let now = AuthService.now()
            let validated = try body.validate(
                earliest: try await self.earliest(now: now),
                latest: now + IngestRequest.futureTolerance
            )
            // Fail fast before creating series; the submit below decides for real.
            let room = Self.room(writer.statistics)
            guard validated.sampleCount <= room else { throw Self.queueFull(validated.sampleCount, room: room) }
            try await self.checkScope(validated.keys, principal!)
            var ids: [Int64] = []
            for key in validated.keys {
                do {
                    ids.append(try await self.registry.seriesID(for: key))
                } catch let error as StorageError where error.code == .seriesConflict {
                    throw APIError.conflict(
                        "series \(key.metric) exists with another unit or kind; use its unit and kind or another name"
                    )
                }
            }
            var samples: [Sample] = []
            samples.reserveCapacity(validated.sampleCount)
            for (id, points) in zip(ids, validated.samples) {
                samples += points.map { Sample(seriesID: id, timestamp: $0.timestamp, value: $0.value) }
            }
            let left = Self.room(writer.statistics)
            guard left >= samples.count else { throw Self.queueFull(samples.count, room: left) }
            guard writer.submit(samples) else {
                throw APIError(
                    .serviceUnavailable,
                    "unavailable",
                    "the sample writer refused the batch (shutting down, or full); retry later",
                    headers: [.retryAfter: "1"]
                )
            }
            return APIResponse.json(
                .object([
                    ("accepted", .int(samples.count)),
                    (
                        "series",
                        .array(
                            zip(validated.keys, ids).map { key, id in
                                .object([
                                    ("id", .int(id)), ("device_id", .int(key.deviceID)),
                                    ("interface_id", .int(key.interfaceID)), ("metric", .string(key.metric)),
                                    ("instance", .string(key.instance)),
                                ])
                            }
                        )
                    ),
                ]),
                status: .accepted
            )
        }
    }

    /// Every device must be visible to `principal`, and every interface must be on its device.
    private func checkScope(_ keys: [SeriesKey], _ principal: Principal) async throws {
        var checked: Set<Int64> = []
        for deviceID in keys.compactMap(\.deviceID) where checked.insert(deviceID).inserted {
            guard try await self.devices.device(id: deviceID, organisationID: principal.organisationScope) != nil
            else { throw APIError.notFound("no device \(deviceID)") }
        }
        let interfaceIDs = Array(Set(keys.compactMap(\.interfaceID)))
        let owners = try await self.scope.interfaceOwners(interfaceIDs)
        for key in keys {
            guard let interfaceID = key.interfaceID else { continue }
            guard owners[interfaceID]?.deviceID == key.deviceID else {
                throw APIError.notFound("no interface \(interfaceID) on device \(key.deviceID!)")
            }
        }
    }
}
