import COTLP
import CProtobufC

/// Encodes spans as the protobuf body of an OTLP/HTTP trace export (an
/// `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`) with libprotobuf-c.
///
/// The request always holds one `ResourceSpans` (the batch's resource) with one `ScopeSpans` (the
/// batch's instrumentation scope), even when the batch has no spans. Besides whole requests
/// (``encode(_:)``), the encoder makes a request in parts, for one request over more spans than
/// should be encoded at once: the span entries of each part of the spans
/// (``encodeSpanEntries(_:)``, on any thread) and the bytes before them
/// (``requestHead(resource:scope:spanEntriesByteCount:)``). The head followed by the entries of
/// every part, in order, is byte for byte what ``encode(_:)`` makes of all the spans.
///
/// All C memory of one call (the protobuf-c message tree, its strings and ids, and the packing
/// scratch space) comes from one ``ProtobufArena`` that is freed as soon as the bytes are out.
///
/// Strings: protobuf-c stores strings as NUL-terminated C strings, so a U+0000 inside a Swift
/// string would silently cut it short. Each U+0000 is therefore sent as U+FFFD (REPLACEMENT
/// CHARACTER); everything after it is kept.
public struct ProtobufEncoder: Sendable {
    public init() {}

    /// The serialized `ExportTraceServiceRequest` for `batch`.
    public func encode(_ batch: OTLP.SpanBatch) -> [UInt8] {
        let builder = ProtobufRequestBuilder(arena: ProtobufArena(initialCapacity: Self.initialArenaCapacity(batch.spans.count)))
        let built = builder.request(for: batch)
        return Self.pack(built, spanBytesBound: builder.spanBytesBound, arena: builder.arena)
    }

    /// The `ScopeSpans.spans` entries of `spans`: for each span, in order, the tag of field 2, the
    /// length and the `Span` message packed by protobuf-c.
    ///
    /// A span's entry depends on that span alone, so the entries of consecutive lists of spans,
    /// concatenated, are the entries of the whole list.
    public func encodeSpanEntries(_ spans: [OTLP.Span]) -> [UInt8] {
        let builder = ProtobufRequestBuilder(arena: ProtobufArena(initialCapacity: Self.initialArenaCapacity(spans.count)))
        let packed = PackedSpans(builder.spans(spans), bound: builder.spanBytesBound, arena: builder.arena)
        return [UInt8](unsafeUninitializedCapacity: packed.entriesByteCount) { buffer, initializedCount in
            guard let start = buffer.baseAddress else {
                initializedCount = 0
                return
            }
            initializedCount = packed.writeEntries(to: start) - start
        }
    }

    /// The bytes of an `ExportTraceServiceRequest` for `resource` and `scope` that come before
    /// its span entries, when these take `spanEntriesByteCount` bytes in all (the sum of the
    /// sizes of the ``encodeSpanEntries(_:)`` results). Nothing follows the span entries: in the
    /// request they are the last field of the last field of its only field.
    public func requestHead(
        resource: OTLP.Resource, scope: OTLP.InstrumentationScope, spanEntriesByteCount: Int
    ) -> [UInt8] {
        let builder = ProtobufRequestBuilder(arena: ProtobufArena(initialCapacity: Self.initialArenaCapacity(0)))
        let envelope = ProtobufEnvelope(
            resource: builder.resource(resource), scope: builder.scope(scope),
            spanEntriesByteCount: spanEntriesByteCount)
        return [UInt8](unsafeUninitializedCapacity: envelope.headSize) { buffer, initializedCount in
            guard let start = buffer.baseAddress else {
                initializedCount = 0
                return
            }
            initializedCount = envelope.writeHead(to: start) - start
            assert(initializedCount == envelope.headSize)
        }
    }

    /// A first chunk that holds a typical span's structs, strings and packing scratch (a span
    /// with eight short string attributes takes about 3 KiB); the arena doubles from there.
    private static func initialArenaCapacity(_ spanCount: Int) -> Int {
        let perSpan = 3072
        let (product, overflow) = spanCount.multipliedReportingOverflow(by: perSpan)
        return 4096 + (overflow ? ProtobufArena.maximumGrowthChunkSize : min(product, ProtobufArena.maximumGrowthChunkSize))
    }

    // MARK: - Packing

    /// Packs `built.request`.
    ///
    /// The result is byte for byte what `export_trace_service_request__pack` makes of
    /// `built.request`, but cheaper: protobuf-c's generic pack writes every nested message after a
    /// one-byte length placeholder and moves it when the length needs more bytes, which for the
    /// `ResourceSpans` and `ScopeSpans` wrappers means moving the whole batch twice, and it needs
    /// the total size first, which walks every span once more. Here each span is packed once, by
    /// protobuf-c, into scratch space sized by the builder's bound; the sizes it returns give
    /// every length prefix; the envelope is written by hand around exact copies of the spans.
    static func pack(_ built: ProtobufRequestBuilder.Built, spanBytesBound: Int, arena: ProtobufArena) -> [UInt8] {
        let packed = PackedSpans(built.spans, bound: spanBytesBound, arena: arena)
        let envelope = ProtobufEnvelope(resource: built.resource, scope: built.scope, spanEntriesByteCount: packed.entriesByteCount)
        let totalSize = envelope.headSize + packed.entriesByteCount
        return [UInt8](unsafeUninitializedCapacity: totalSize) { buffer, initializedCount in
            guard let start = buffer.baseAddress else {
                initializedCount = 0
                return
            }
            initializedCount = packed.writeEntries(to: envelope.writeHead(to: start)) - start
            assert(initializedCount == totalSize)
        }
    }

    /// Spans packed one after the other by protobuf-c into arena scratch space, with the size of
    /// each: what their `ScopeSpans.spans` entries need.
    struct PackedSpans {
        private let scratch: UnsafeMutablePointer<UInt8>
        private let sizes: UnsafeMutablePointer<Int>
        private let count: Int
        /// Bytes of the spans' entries (tag, length and packed span each).
        let entriesByteCount: Int

        /// Packs `spans`, whose packed sizes add up to at most `bound` bytes (the builder's
        /// ``ProtobufRequestBuilder/spanBytesBound``).
        init(_ spans: PBMessageList<PBSpan>, bound: Int, arena: ProtobufArena) {
            count = spans.list == nil ? 0 : spans.count
            scratch = arena.allocate(UInt8.self, count: max(bound, 1))
            sizes = arena.allocate(Int.self, count: max(count, 1))
            var scratchUsed = 0
            var entriesSize = 0
            if let list = spans.list {
                for index in 0..<count {
                    guard let span = list[index] else {
                        sizes[index] = -1  // cannot happen: the builder fills every slot
                        continue
                    }
                    let size = opentelemetry__proto__trace__v1__span__pack(span, scratch + scratchUsed)
                    sizes[index] = size
                    scratchUsed += size
                    entriesSize += ProtobufWire.lengthDelimitedFieldSize(size)
                }
            }
            assert(scratchUsed <= bound, "span size bound \(bound) exceeded: \(scratchUsed)")
            entriesByteCount = entriesSize
        }

        /// Writes the entries (``entriesByteCount`` bytes) at `out` and returns the position
        /// after them.
        func writeEntries(to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
            var out = out
            var scratchOffset = 0
            for index in 0..<count where sizes[index] >= 0 {
                let size = sizes[index]
                // ScopeSpans.spans (2)
                out = ProtobufWire.writeLengthDelimitedHeader(field: 2, length: size, to: out)
                out.update(from: scratch + scratchOffset, count: size)
                out += size
                scratchOffset += size
            }
            return out
        }
    }
}
