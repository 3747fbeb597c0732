#if canImport(NetmonCore)
import NetmonCore
#endif

/// What the NetFlow v9 and IPFIX decoders share while walking one datagram.
package struct TemplateDecodingContext {
    package var origin: FlowOrigin
    package var exporter: IPAddress
    package var version: UInt16
    package var observationDomain: UInt32
    package var exportTime: Int64
    package var systemUptime: UInt32?
    /// NetFlow v9 options scope fields use their own type space (1 system, 2 interface, ...), so they
    /// are skipped rather than read as information elements.
    package var skipsScopeFields: Bool
    package var now: Int64

    package func key(templateID: UInt16) -> FlowTemplateKey {
        FlowTemplateKey(
            exporter: self.exporter,
            version: self.version,
            observationDomain: self.observationDomain,
            templateID: templateID
        )
    }
}

/// Decoding of data sets against a cached template, shared by NetFlow v9 and IPFIX.
package enum TemplateDataDecoding {
    /// Decodes the data set in `set` (its header already read) into `datagram`, or counts a template
    /// miss when the template is unknown or expired. Options records update `templates`' sampling and
    /// system-init tables.
    package static func decodeDataSet(
        _ set: inout ByteReader,
        templateID: UInt16,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache,
        into datagram: inout FlowDatagram
    ) throws(FlowDecodingError) {
        guard let template = templates.template(for: context.key(templateID: templateID), now: context.now) else {
            datagram.stats.templateMisses += 1
            datagram.stats.templateMissBytes += set.remaining
            return
        }
        let minimum = template.minimumRecordLength
        guard minimum > 0 else { throw .invalidTemplate(offset: set.offset, templateID: templateID) }
        let blank = FlowRecord(
            origin: context.origin,
            exporter: context.exporter,
            observationDomain: context.observationDomain
        )
        if template.isOptions {
            // Whatever is left that is shorter than one record is padding (RFC 3954 5.3, RFC 7011 3.3.1).
            while set.remaining >= minimum {
                var fields = FlowFieldAccumulator()
                var record = blank
                try self.readFields(&set, template: template, context: context, into: &fields, record: &record)
                self.applyOptions(fields, context: context, templates: &templates)
                datagram.stats.optionsRecords += 1
            }
            return
        }
        // The exporter's clock and sampling tables cannot change within a data set: look them up
        // once per set (and per sampler id), not once per record.
        var exporterState = ExporterLookups(context: context, templates: templates)
        // Records are decoded in place: the set has room for at most `room` of them, appended blank
        // and filled one by one; the unfilled tail (variable-length fields, padding, an error) is
        // removed. A FlowRecord is large, and building then copying one per record showed in profiles.
        let first = datagram.records.count
        let room = set.remaining / minimum
        datagram.records.append(contentsOf: repeatElement(blank, count: room))
        var filled = 0
        let outcome: Result<Void, FlowDecodingError> = datagram.records.withUnsafeMutableBufferPointer { records in
            while set.remaining >= minimum && filled < room {
                var fields = FlowFieldAccumulator()
                do throws(FlowDecodingError) {
                    try self.readFields(
                        &set,
                        template: template,
                        context: context,
                        into: &fields,
                        record: &records[first + filled]
                    )
                } catch {
                    return .failure(error)
                }
                self.finishFlow(&records[first + filled], fields, context: context, lookups: &exporterState)
                filled += 1
            }
            return .success(())
        }
        datagram.records.removeLast(room - filled)
        datagram.stats.dataRecords += filled
        try outcome.get()
    }

    private static func readFields(
        _ set: inout ByteReader,
        template: FlowTemplate,
        context: TemplateDecodingContext,
        into fields: inout FlowFieldAccumulator,
        record: inout FlowRecord
    ) throws(FlowDecodingError) {
        for (index, field) in template.fields.enumerated() {
            var length = Int(field.length)
            if field.isVariableLength {
                length = Int(try set.readUInt8())
                if length == 255 { length = Int(try set.readUInt16()) }
            }
            guard length <= set.remaining else { throw .truncated(offset: set.offset, needed: length) }
            if context.skipsScopeFields && index < template.scopeFieldCount {
                try set.skip(length)
                continue
            }
            try fields.apply(
                elementID: field.elementID,
                enterpriseNumber: field.enterpriseNumber,
                reader: &set,
                length: length,
                to: &record
            )
        }
    }

    private static func applyOptions(
        _ fields: FlowFieldAccumulator,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache
    ) {
        if let rate = fields.announcedSamplingRate {
            let sampler = FlowTemplateCache.SamplerKey(
                version: context.version,
                observationDomain: context.observationDomain,
                samplerID: fields.samplerID
            )
            templates.setSamplingRate(rate, exporter: context.exporter, sampler: sampler, now: context.now)
        }
        if let initTime = fields.systemInitTime {
            templates.setSystemInitTime(
                initTime,
                exporter: context.exporter,
                observationDomain: context.observationDomain,
                now: context.now
            )
        }
    }

    private static func finishFlow(
        _ record: inout FlowRecord,
        _ fields: FlowFieldAccumulator,
        context: TemplateDecodingContext,
        lookups: inout ExporterLookups
    ) {
        fields.finish(
            &record,
            exportTime: context.exportTime,
            systemUptime: context.systemUptime,
            systemInitTime: lookups.systemInitTime
        )
        if let rate = fields.announcedSamplingRate {
            record.samplingRate = rate
            record.samplingSource = .flowRecord
        } else if let rate = lookups.samplingRate(samplerID: fields.samplerID) {
            record.samplingRate = rate
            record.samplingSource = .optionsData
        }
    }

    /// The exporter state one data set's records need, looked up once per set and per sampler id.
    private struct ExporterLookups {
        let context: TemplateDecodingContext
        let templates: FlowTemplateCache
        let systemInitTime: Int64?
        private var lastSampler: (id: UInt64?, rate: UInt32?)?

        init(context: TemplateDecodingContext, templates: FlowTemplateCache) {
            self.context = context
            self.templates = templates
            self.systemInitTime = templates.systemInitTime(
                exporter: context.exporter,
                observationDomain: context.observationDomain
            )
        }

        mutating func samplingRate(samplerID: UInt64?) -> UInt32? {
            if let last = self.lastSampler, last.id == samplerID { return last.rate }
            let rate = self.templates.samplingRate(
                exporter: self.context.exporter,
                sampler: .init(
                    version: self.context.version,
                    observationDomain: self.context.observationDomain,
                    samplerID: samplerID
                )
            )
            self.lastSampler = (samplerID, rate)
            return rate
        }
    }
}
