/// The OTLP-shaped span model every stage shares: ``Span`` and its parts, ``Resource``,
/// ``InstrumentationScope`` and ``SpanBatch`` (one export request's content), with the ids
/// ``TraceID`` and ``SpanID``.
///
/// The types live in this namespace so that they never clash with swift-distributed-tracing's
/// `Span`, `SpanKind`, `SpanStatus`, `SpanEvent` and `SpanAttribute` in code that imports both:
/// write `OTLP.Span`, `OTLP.Attribute`, and so on.
public enum OTLP {}
