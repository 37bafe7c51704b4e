extension InputLines {
    /// Thrown by a ``forEachLine(until:_:)`` body to end reading there (not counted as stopped).
    struct EndReading: Error {}

    /// ``forEachLine(stop:_:)`` that also asks `stop` before each line: when it returns `true`,
    /// reading ends there. A `body` that throws ``EndReading`` ends reading quietly. Returns
    /// whether `stop` ended reading.
    func forEachLine(until stop: (() -> Bool)?, _ body: (Line) throws -> Void) throws -> Bool {
        var stopped = false
        do {
            try forEachLine(
                stop: stop.map { stop in
                    {
                        stopped = stop()
                        return stopped
                    }
                }
            ) { line in
                if let stop, stop() {
                    stopped = true
                    throw EndReading()
                }
                try body(line)
            }
        } catch is EndReading {}
        return stopped
    }
}
