import COTLP
import CProtobufC

/// Encodes a ``OTLP/SpanBatch`` as the protobuf body of an OTLP/HTTP trace export (an
/// `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`) with libprotobuf-c, and
/// decodes the receiver's `ExportTraceServiceResponse`.
///
/// The request always holds one `ResourceSpans` (the batch's resource) with one `ScopeSpans` (the
/// batch's instrumentation scope), even when the batch has no spans.
///
/// All C memory of a batch (the protobuf-c message tree, its strings and ids, and the packing
/// scratch space) comes from one ``ProtobufArena`` that is freed as soon as the bytes are out.
///
/// Strings: protobuf-c stores strings as NUL-terminated C strings, so a U+0000 inside a Swift
/// string would silently cut it short. Each U+0000 is therefore sent as U+FFFD (REPLACEMENT
/// CHARACTER); everything after it is kept.
/// Encodes span batches as binary OTLP `ExportTraceServiceRequest` messages through protobuf-c.
///
public struct ProtobufEncoder: Sendable {
    public init() {}

    /// The serialized `ExportTraceServiceRequest` for `batch`.
    public func encode(_ batch: OTLP.SpanBatch) -> [UInt8] {
        let builder = ProtobufRequestBuilder(arena: ProtobufArena(initialCapacity: Self.initialArenaCapacity(batch)))
        let built = builder.request(for: batch)
        return Self.pack(built, spanBytesBound: builder.spanBytesBound, arena: builder.arena)
    }

    /// Parses the protobuf body of an `ExportTraceServiceResponse`.
    ///
    /// - Returns: the number of spans the receiver rejected and its message (`0` and `""` when the
    ///   response has no `partial_success`, which means full success), or `nil` when `bytes` is not
    ///   a valid response message.
    func decodeResponse(_ bytes: [UInt8]) -> (rejectedSpans: Int64, errorMessage: String)? {
        let response = bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress {
                return opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
                    nil, buffer.count, base)
            }
            // An empty body is a valid, empty message; protobuf-c still wants a pointer.
            var placeholder: UInt8 = 0
            return opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
                nil, 0, &placeholder)
        }
        guard let response else { return nil }
        defer { opentelemetry__proto__collector__trace__v1__export_trace_service_response__free_unpacked(response, nil) }
        guard let partialSuccess = response.pointee.partial_success else { return (0, "") }
        let message = partialSuccess.pointee.error_message.map { String(cString: $0) } ?? ""
        return (partialSuccess.pointee.rejected_spans, message)
    }

    /// A first chunk that holds a typical span's structs, strings and packing scratch (a span
    /// with eight short string attributes takes about 3 KiB); the arena doubles from there.
    private static func initialArenaCapacity(_ batch: OTLP.SpanBatch) -> Int {
        let perSpan = 3072
        let (product, overflow) = batch.spans.count.multipliedReportingOverflow(by: perSpan)
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
        let spanCount = built.spans.list == nil ? 0 : built.spans.count
        let scratch = arena.allocate(UInt8.self, count: max(spanBytesBound, 1))
        let spanSizes = arena.allocate(Int.self, count: max(spanCount, 1))
        var scratchUsed = 0
        var spansFieldSize = 0
        if let spans = built.spans.list {
            for index in 0..<spanCount {
                guard let span = spans[index] else {
                    spanSizes[index] = -1  // cannot happen: the builder fills every slot
                    continue
                }
                let size = opentelemetry__proto__trace__v1__span__pack(span, scratch + scratchUsed)
                spanSizes[index] = size
                scratchUsed += size
                spansFieldSize += ProtobufWire.lengthDelimitedFieldSize(size)
            }
        }
        assert(scratchUsed <= spanBytesBound, "span size bound \(spanBytesBound) exceeded: \(scratchUsed)")

        let resourceSize = opentelemetry__proto__resource__v1__resource__get_packed_size(built.resource)
        let scopeSize = opentelemetry__proto__common__v1__instrumentation_scope__get_packed_size(built.scope)
        let scopeSpansSize = ProtobufWire.lengthDelimitedFieldSize(scopeSize) + spansFieldSize
        let resourceSpansSize =
            ProtobufWire.lengthDelimitedFieldSize(resourceSize) + ProtobufWire.lengthDelimitedFieldSize(scopeSpansSize)
        let totalSize = ProtobufWire.lengthDelimitedFieldSize(resourceSpansSize)

        return [UInt8](unsafeUninitializedCapacity: totalSize) { buffer, initializedCount in
            guard let start = buffer.baseAddress else {
                initializedCount = 0
                return
            }
            var out = start
            // ExportTraceServiceRequest.resource_spans (1)
            out = ProtobufWire.writeLengthDelimitedHeader(field: 1, length: resourceSpansSize, to: out)
            // ResourceSpans.resource (1)
            out = ProtobufWire.writeLengthDelimitedHeader(field: 1, length: resourceSize, to: out)
            out += opentelemetry__proto__resource__v1__resource__pack(built.resource, out)
            // ResourceSpans.scope_spans (2)
            out = ProtobufWire.writeLengthDelimitedHeader(field: 2, length: scopeSpansSize, to: out)
            // ScopeSpans.scope (1)
            out = ProtobufWire.writeLengthDelimitedHeader(field: 1, length: scopeSize, to: out)
            out += opentelemetry__proto__common__v1__instrumentation_scope__pack(built.scope, out)
            // ScopeSpans.spans (2)
            var scratchOffset = 0
            for index in 0..<spanCount where spanSizes[index] >= 0 {
                let size = spanSizes[index]
                out = ProtobufWire.writeLengthDelimitedHeader(field: 2, length: size, to: out)
                out.update(from: scratch + scratchOffset, count: size)
                out += size
                scratchOffset += size
            }
            initializedCount = out - start
            assert(initializedCount == totalSize)
        }
    }
}

/// Protobuf wire-format helpers for what is written or read by hand: the request envelope, the
/// `google.rpc.Status` of a failure, and the command line's splicing of batch encodings.
package enum ProtobufWire {
    /// The wire type of strings, bytes and embedded messages.
    static let lengthDelimited: UInt64 = 2

    /// Bytes taken by `value` as a varint (1 to 10).
    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        // One byte per started group of 7 significant bits; zero still takes one byte.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    /// Bytes taken by a length-delimited field with a one-byte tag (field numbers 1 to 15) and
    /// `length` bytes of content.
    @inline(__always)
    static func lengthDelimitedFieldSize(_ length: Int) -> Int {
        1 + varintSize(UInt64(length)) + length
    }

    /// Writes `value` as a varint at `out` and returns the position after it.
    @inline(__always)
    static func writeVarint(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var value = value
        var out = out
        while value >= 0x80 {
            out.pointee = UInt8(truncatingIfNeeded: value) | 0x80
            out += 1
            value >>= 7
        }
        out.pointee = UInt8(value)
        return out + 1
    }

    /// Appends `value` as a varint.
    package static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Reads the varint at `index` in `bytes` and moves `index` past it; `nil` when the bytes end
    /// first or the varint is longer than 64 bits.
    package static func readVarint(_ bytes: [UInt8], at index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// Writes the tag of length-delimited `field` (1 to 15) and `length`, and returns the
    /// position where the content goes.
    @inline(__always)
    static func writeLengthDelimitedHeader(
        field: UInt64, length: Int, to out: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        out.pointee = UInt8(truncatingIfNeeded: field << 3 | lengthDelimited)
        return writeVarint(UInt64(length), to: out + 1)
    }
}
