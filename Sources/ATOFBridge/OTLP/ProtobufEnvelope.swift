import COTLP

/// The envelope of a binary `ExportTraceServiceRequest` holding one resource and one scope,
/// written by hand around span entries that protobuf-c packed:
///
/// ```
/// ExportTraceServiceRequest { resource_spans (1): ResourceSpans {
///     resource (1): Resource,
///     scope_spans (2): ScopeSpans { scope (1): InstrumentationScope, spans (2): Span, spans (2): Span, ... } } }
/// ```
///
/// The spans are the last field of the `ScopeSpans`, which is the last field of the
/// `ResourceSpans`, the request's only field: the whole envelope therefore comes before the
/// spans (the *head*; nothing follows them), and its lengths depend only on the resource, the
/// scope (both packed by protobuf-c) and the total size of the span entries.
struct ProtobufEnvelope {
    /// The `ResourceSpans.resource`.
    let resource: UnsafeMutablePointer<PBResource>
    /// The `ScopeSpans.scope`.
    let scope: UnsafeMutablePointer<PBInstrumentationScope>
    /// Packed size of ``resource``.
    let resourceSize: Int
    /// Packed size of ``scope``.
    let scopeSize: Int
    /// Content size of the `ScopeSpans`: the scope field and every span entry.
    let scopeSpansSize: Int
    /// Content size of the `ResourceSpans`: the resource field and the `ScopeSpans` field.
    let resourceSpansSize: Int
    /// Bytes of the head: the whole request less its span entries.
    let headSize: Int

    /// The envelope of `spanEntriesByteCount` bytes of span entries (tag, length and packed
    /// `Span` each, as ``ProtobufEncoder/encodeSpanEntries(_:)`` makes them).
    init(
        resource: UnsafeMutablePointer<PBResource>,
        scope: UnsafeMutablePointer<PBInstrumentationScope>,
        spanEntriesByteCount: Int
    ) {
        self.resource = resource
        self.scope = scope
        resourceSize = opentelemetry__proto__resource__v1__resource__get_packed_size(resource)
        scopeSize = opentelemetry__proto__common__v1__instrumentation_scope__get_packed_size(scope)
        scopeSpansSize = ProtobufWire.lengthDelimitedFieldSize(scopeSize) + spanEntriesByteCount
        resourceSpansSize =
            ProtobufWire.lengthDelimitedFieldSize(resourceSize) + ProtobufWire.lengthDelimitedFieldSize(scopeSpansSize)
        headSize = ProtobufWire.lengthDelimitedFieldSize(resourceSpansSize) - spanEntriesByteCount
    }

    /// Writes the head (``headSize`` bytes) at `out` and returns the position where the span
    /// entries go.
    func writeHead(to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var out = out
        // ExportTraceServiceRequest.resource_spans (1)
        out = ProtobufWire.writeLengthDelimitedHeader(field: 1, length: resourceSpansSize, to: out)
        // ResourceSpans.resource (1)
        out = ProtobufWire.writeLengthDelimitedHeader(field: 1, length: resourceSize, to: out)
        out += opentelemetry__proto__resource__v1__resource__pack(resource, out)
        // ResourceSpans.scope_spans (2)
        out = ProtobufWire.writeLengthDelimitedHeader(field: 2, length: scopeSpansSize, to: out)
        // ScopeSpans.scope (1)
        out = ProtobufWire.writeLengthDelimitedHeader(field: 1, length: scopeSize, to: out)
        out += opentelemetry__proto__common__v1__instrumentation_scope__pack(scope, out)
        return out
    }
}
