import Storage

/// The body of `POST /api/v1/series/ingest`: custom metric samples, grouped by series.
///
/// ```json
/// {"series": [{"device_id": 1, "interface_id": 7, "metric": "custom_queue_depth", "instance": "q0",
///              "unit": "packets", "kind": "gauge", "samples": [[1764268800000, 42.5], ...]}]}
/// ```
struct IngestRequest: Decodable, Sendable {
    /// One series' samples.
    struct Series: Decodable, Sendable {
        var deviceID: Int64
        var interfaceID: Int64?
        var metric: String
        var instance: String?
        var unit: String?
        var kind: String?
        var samples: [Point]

        enum CodingKeys: String, CodingKey {
            case deviceID = "device_id"
            case interfaceID = "interface_id"
            case metric, instance, unit, kind, samples
        }
    }

    /// `[timestamp_ms, value]`.
    struct Point: Decodable, Sendable {
        var timestamp: Int64
        var value: Double

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            self.timestamp = try container.decode(Int64.self)
            self.value = try container.decode(Double.self)
            guard container.isAtEnd else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: container.codingPath, debugDescription: "a sample is [timestamp_ms, value]")
                )
            }
        }
    }

    var series: [Series]

    // MARK: Limits

    /// The most series in one request.
    static let maxSeries = 100
    /// The most samples in one request, over all its series.
    static let maxSamples = 10_000
    /// The largest request body, bytes.
    static let maxBodyBytes = 1024 * 1024
    /// How far in the future a timestamp may be (clock skew), ms.
    static let futureTolerance: Int64 = 60_000
    /// Custom metric names: `custom_` then lower-case letters, digits and underscores, at most 64.
    static let metricPrefix = "custom_"

    /// What validation keeps: the series keys and their samples.
    struct Validated: Sendable {
        var keys: [SeriesKey]
        var samples: [[(timestamp: Int64, value: Double)]]
        var sampleCount: Int
    }

    /// Checks every limit and field; `earliest`/`latest` bound the timestamps (epoch ms).
    ///
    /// - Throws: ``APIError`` 400 naming the first offending series (and sample).
    func validate(earliest: Int64, latest: Int64) throws -> Validated {
        guard (1...Self.maxSeries).contains(self.series.count) else {
            throw APIError.invalidBody("series: 1 to \(Self.maxSeries) series per request")
        }
        let total = self.series.reduce(0) { $0 + $1.samples.count }
        guard (1...Self.maxSamples).contains(total) else {
            throw APIError.invalidBody("1 to \(Self.maxSamples) samples per request (this one has \(total))")
        }
        var keys: [SeriesKey] = []
        var samples: [[(timestamp: Int64, value: Double)]] = []
        for (index, entry) in self.series.enumerated() {
            let at = "series[\(index)]"
            guard entry.deviceID > 0 else { throw APIError.invalidBody("\(at).device_id must be a positive id") }
            if let interfaceID = entry.interfaceID, interfaceID <= 0 {
                throw APIError.invalidBody("\(at).interface_id must be a positive id")
            }
            guard Self.isMetricName(entry.metric) else {
                throw APIError.invalidBody(
                    "\(at).metric must start with \(Self.metricPrefix) and hold only a-z, 0-9 and _ (at most 64)"
                )
            }
            let instance = entry.instance ?? ""
            let unit = entry.unit ?? ""
            guard Self.isLabel(instance, maxLength: 64) else {
                throw APIError.invalidBody("\(at).instance: at most 64 printable characters")
            }
            guard Self.isLabel(unit, maxLength: 16) else {
                throw APIError.invalidBody("\(at).unit: at most 16 printable characters")
            }
            guard let kind = SeriesKind(rawValue: entry.kind ?? "gauge") else {
                throw APIError.invalidBody("\(at).kind must be gauge, counter or rate")
            }
            guard !entry.samples.isEmpty else { throw APIError.invalidBody("\(at).samples is empty") }
            let key = SeriesKey(
                deviceID: entry.deviceID,
                interfaceID: entry.interfaceID,
                metric: entry.metric,
                instance: instance,
                unit: unit,
                kind: kind
            )
            let repeated = keys.contains {
                $0.deviceID == key.deviceID && $0.interfaceID == key.interfaceID && $0.metric == key.metric
                    && $0.instance == key.instance
            }
            guard !repeated else {
                throw APIError.invalidBody("\(at) repeats an earlier series; put all its samples in one entry")
            }
            var seen: Set<Int64> = []
            var points: [(timestamp: Int64, value: Double)] = []
            points.reserveCapacity(entry.samples.count)
            for (sampleIndex, point) in entry.samples.enumerated() {
                let position = "\(at).samples[\(sampleIndex)]"
                guard point.value.isFinite else {
                    throw APIError.invalidBody("\(position): values must be finite numbers (no NaN or infinity)")
                }
                guard point.timestamp >= earliest, point.timestamp <= latest else {
                    throw APIError.invalidBody(
                        "\(position): timestamp \(point.timestamp) is outside the accepted window "
                            + "[\(earliest), \(latest)] ms (from the first hour not yet rolled up to 60 s ahead)"
                    )
                }
                guard seen.insert(point.timestamp).inserted else {
                    throw APIError.invalidBody("\(position): timestamp \(point.timestamp) appears twice")
                }
                points.append((point.timestamp, point.value))
            }
            keys.append(key)
            samples.append(points)
        }
        return Validated(keys: keys, samples: samples, sampleCount: total)
    }

    /// `custom_` + `[a-z0-9_]`, at most 64 characters.
    static func isMetricName(_ name: String) -> Bool {
        guard name.hasPrefix(Self.metricPrefix), name.utf8.count > Self.metricPrefix.utf8.count,
            name.utf8.count <= 64
        else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    /// Printable text without control characters, at most `maxLength` characters.
    static func isLabel(_ text: String, maxLength: Int) -> Bool {
        text.count <= maxLength && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
