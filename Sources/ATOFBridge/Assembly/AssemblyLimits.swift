/// The memory bounds of live span assembly (``Bridge/Configuration/assemblyLimits``): what the
/// `Bridge` and `export --live` hold at most, and what happens beyond.
public struct AssemblyLimits: Sendable, Hashable {
    /// Open scopes kept before the oldest is exported as unended. Default 65,536.
    public var maximumOpenScopes: Int
    /// Ended scopes remembered for late children and marks. Default 65,536.
    public var recentlyEndedCapacity: Int
    /// Ends without a start held at once. Default 4,096.
    public var maximumHeldEnds: Int
    /// How much newer (event time, ns) the input must get before a held end is given up. Default 5 s.
    public var unmatchedEndGrace: Int64
    /// Marks one open scope holds (in arrival order); later ones are counted, not held.
    /// Default 128, the mapping's default event cap (``MappingOptions/maximumEventsPerSpan``):
    /// set it to the cap in force, as ``Bridge`` does. Negative values act as 0.
    public var maximumMarksPerScope = 128

    /// Creates bounds; values below 1 (0 for the grace) act as 1 (0).
    public init(
        maximumOpenScopes: Int = 65_536, recentlyEndedCapacity: Int = 65_536, maximumHeldEnds: Int = 4_096,
        unmatchedEndGrace: Int64 = 5_000_000_000
    ) {
        self.maximumOpenScopes = max(1, maximumOpenScopes)
        self.recentlyEndedCapacity = max(1, recentlyEndedCapacity)
        self.maximumHeldEnds = max(1, maximumHeldEnds)
        self.unmatchedEndGrace = max(0, unmatchedEndGrace)
    }
}
