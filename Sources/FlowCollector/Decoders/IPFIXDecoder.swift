#if canImport(NetmonCore)
import NetmonCore
#endif

/// Decodes IPFIX messages (RFC 7011, information elements of RFC 7012): template and options
/// template sets (including withdrawals), data sets with variable-length fields, and enterprise-
/// specific elements, which are skipped by their length.
///
/// Templates live in the caller's ``FlowTemplateCache`` keyed by exporter, observation domain and
/// template id. Data before its template is counted in ``FlowDatagramStats/templateMisses``. Options
/// data carrying sampling (34, 35, 48/302, 50, 305/306) or systemInitTimeMilliseconds (160) updates the
/// cache; flowStart/EndSysUpTime are converted with that init time.
public enum IPFIXDecoder {
    /// Length of the IPFIX message header.
    public static let headerLength = 16

    /// Decodes one message sent by `exporter`, at time `now` (epoch ms, for template expiry).
    ///
    /// - Throws: ``FlowDecodingError`` when the version is not 10, the message length disagrees with
    ///   the datagram, a set length overruns the message, or a template is malformed.
    public static func decode(
        _ datagram: [UInt8],
        exporter: IPAddress,
        templates: inout FlowTemplateCache,
        now: Int64
    ) throws(FlowDecodingError) -> FlowDatagram {
        var header = ByteReader(datagram)
        let version = try header.readUInt16()
        guard version == 10 else { throw .unsupportedVersion(UInt32(version)) }
        let length = Int(try header.readUInt16())
        let exportSeconds = try header.readUInt32()
        let sequence = try header.readUInt32()
        let domain = try header.readUInt32()
        guard length >= Self.headerLength else { throw .invalidLength(offset: 2) }
        guard length <= datagram.count else {
            throw .truncated(offset: datagram.count, needed: length - datagram.count)
        }
        var reader = ByteReader(datagram, start: Self.headerLength, end: length)

        var result = FlowDatagram(origin: .ipfix, version: 10)
        result.sequenceNumber = sequence
        result.observationDomain = domain
        result.exportTime = Int64(exportSeconds) * 1000
        let context = TemplateDecodingContext(
            origin: .ipfix,
            exporter: exporter,
            version: 10,
            observationDomain: domain,
            exportTime: result.exportTime,
            systemUptime: nil,
            skipsScopeFields: false,
            now: now
        )

        while reader.remaining > 0 {
            let setOffset = reader.offset
            let setID = try reader.readUInt16()
            let setLength = Int(try reader.readUInt16())
            guard setLength >= 4 else { throw .invalidLength(offset: setOffset + 2) }
            var set = try reader.subReader(length: setLength - 4)
            switch setID {
            case 2, 3:
                try self.decodeTemplateSet(
                    &set,
                    isOptions: setID == 3,
                    context: context,
                    templates: &templates,
                    stats: &result.stats
                )
            case 0..<256:
                result.stats.skippedUnknown += 1
            default:
                try TemplateDataDecoding.decodeDataSet(
                    &set,
                    templateID: setID,
                    context: context,
                    templates: &templates,
                    into: &result
                )
            }
        }
        return result
    }

    private static func decodeTemplateSet(
        _ set: inout ByteReader,
        isOptions: Bool,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache,
        stats: inout FlowDatagramStats
    ) throws(FlowDecodingError) {
        // Fewer than 4 bytes left is padding.
        while set.remaining >= 4 {
            let offset = set.offset
            let templateID = try set.readUInt16()
            let fieldCount = Int(try set.readUInt16())
            if fieldCount == 0 {
                try self.withdraw(
                    templateID,
                    isOptions: isOptions,
                    offset: offset,
                    context: context,
                    templates: &templates
                )
                stats.templatesWithdrawn += 1
                continue
            }
            guard templateID >= 256, fieldCount <= FlowTemplate.maximumFieldCount else {
                throw .invalidTemplate(offset: offset, templateID: templateID)
            }
            var scopeCount = 0
            if isOptions {
                scopeCount = Int(try set.readUInt16())
                guard scopeCount >= 1, scopeCount <= fieldCount else {
                    throw .invalidTemplate(offset: offset, templateID: templateID)
                }
            }
            var fields: [FlowTemplateField] = []
            fields.reserveCapacity(fieldCount)
            for _ in 0..<fieldCount {
                let rawID = try set.readUInt16()
                let fieldLength = try set.readUInt16()
                let enterprise = rawID & 0x8000 != 0 ? try set.readUInt32() : 0
                guard fieldLength > 0 || fieldLength == FlowTemplateField.variableLength else {
                    throw .invalidTemplate(offset: offset, templateID: templateID)
                }
                fields.append(
                    FlowTemplateField(elementID: rawID & 0x7FFF, length: fieldLength, enterpriseNumber: enterprise)
                )
            }
            let template = FlowTemplate(
                id: templateID,
                fields: fields,
                scopeFieldCount: scopeCount,
                isOptions: isOptions
            )
            guard template.minimumRecordLength <= Int(UInt16.max) - Self.headerLength - 4 else {
                throw .invalidTemplate(offset: offset, templateID: templateID)
            }
            if templates.insert(template, for: context.key(templateID: templateID), now: context.now) {
                stats.templatesReceived += 1
            } else {
                stats.templatesRefused += 1
            }
        }
    }

    /// RFC 7011 section 8.1: field count 0 withdraws one template; template id 2 (or 3 in an options
    /// template set) withdraws all templates of the observation domain.
    private static func withdraw(
        _ templateID: UInt16,
        isOptions: Bool,
        offset: Int,
        context: TemplateDecodingContext,
        templates: inout FlowTemplateCache
    ) throws(FlowDecodingError) {
        if templateID == 2 || templateID == 3 {
            templates.withdrawAll(exporter: context.exporter, version: 10, observationDomain: context.observationDomain)
        } else if templateID >= 256 {
            templates.withdraw(context.key(templateID: templateID))
        } else {
            throw .invalidTemplate(offset: offset, templateID: templateID)
        }
    }
}
