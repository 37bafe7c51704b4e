import ATOF

/// Marks as span events and orphan marks as spans (span-mapping.md §6).
///
/// Choices where the contract is silent:
/// - Marks are taken in the order the assembler gives (time order); the first
///   ``MappingOptions/maximumEventsPerSpan`` become events, the rest are counted as dropped.
/// - `atof.data` is left out when the mark has no data or `null` data, and when content capture
///   is off (``MappingOptions/captureContent``).
/// - A mark's 0.1 `data_schema` is kept as `atof.data_schema.name`/`.version`.
/// - An orphan-mark span also carries `atof.version`, has status UNSET and no GenAI attributes.
extension SpanMapper {
    /// The span for a mark that is not inside an open parent: zero-duration, INTERNAL, `mark:<name>`.
    package func span(for orphan: OrphanMark) -> OTLP.Span {
        let mark = orphan.mark
        var builder = AttributeBuilder()
        builder.set(.atofUUID, string: mark.uuid)
        builder.set(.atofParentUUID, string: mark.parentUUID)
        builder.set(.atofCategory, string: mark.category)
        builder.set(.atofVersion, string: mark.version)
        writeMarkContent(mark, into: &builder)
        builder.set(.atofMarkOrphan, .bool(true))
        if options.openInferenceAttributes {
            builder.set(.openInferenceSpanKind, string: "CHAIN")
        }
        let time = mark.timestamp.unixNanoseconds
        return finishedSpan(
            identity: orphan.identity, name: "mark:\(mark.name)", kind: .internal, startTime: time, endTime: time,
            builder: builder, events: [], droppedEvents: 0, status: .unset
        )
    }

    /// The capped events for `marks`, how many were dropped, and how many were `llm.chunk` marks;
    /// marks the assembler already counted without holding (`alreadyDropped`) count in both.
    func markEvents(
        _ marks: [Event], alreadyDropped: DroppedMarks = DroppedMarks()
    ) -> (events: [OTLP.SpanEvent], dropped: Int, chunkCount: Int) {
        let cap = max(0, options.maximumEventsPerSpan)
        var events: [OTLP.SpanEvent] = []
        events.reserveCapacity(min(cap, marks.count))
        for mark in marks.prefix(cap) {
            // A mark's event has a handful of attributes: uuid, category, data, schema, metadata.
            var builder = AttributeBuilder(reservingCapacity: 8)
            builder.set(.atofUUID, string: mark.uuid)
            builder.set(.atofCategory, string: mark.category)
            writeMarkContent(mark, into: &builder)
            events.append(OTLP.SpanEvent(name: mark.name, timeUnixNano: mark.timestamp.unixNanoseconds, attributes: builder.attributes))
        }
        let chunkCount = marks.reduce(0) { $0 + ($1.name == "llm.chunk" ? 1 : 0) } + alreadyDropped.chunkCount
        return (events, max(0, marks.count - cap) + alreadyDropped.count, chunkCount)
    }

    /// `atof.data`, `atof.data_schema.*` and `atof.metadata.*` of a mark.
    private func writeMarkContent(_ mark: Event, into builder: inout AttributeBuilder) {
        if options.captureContent, let data = JSONAttribute.compactPayload(mark.dataStorage) {
            builder.set(.atofData, string: data)
        }
        if let schema = mark.dataSchema {
            builder.set(.atofDataSchemaName, string: schema.name)
            builder.set(.atofDataSchemaVersion, string: schema.version)
        }
        var metadata = SpanMapper.mergedMetadata(start: mark.metadata, end: nil)
        SpanMapper.writeSourceFormat(start: mark.metadata, end: nil, metadata: &metadata, into: &builder)
        builder.setMetadata(metadata)
    }
}
