import Foundation

/// An SVG line plot of one or more series against evaluations: axes with ticks, a legend, no
/// scripts, no external resources (it embeds in an HTML report as it is).
public struct LinePlot: Sendable {
    /// One line.
    public struct Series: Sendable {
        public var name: String
        /// One value per evaluation; `nil` draws nothing there (no feasible point yet).
        public var values: [Double?]
        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Formats the y-axis ticks; `nil` labels them with the decimals their step needs.
    public var tickFormat: (@Sendable (Double) -> String)?
    /// Whether the y-axis may extend below 0 (errors and costs may not).
    public var allowsNegative: Bool
    /// Draws each series as steps (a value holds until the next evaluation changes it), the
    /// right shape for a best-so-far curve; otherwise straight segments join the values.
    public var stepped: Bool

    /// - Parameter tickFormat: formats the y-axis ticks; `nil` (the default) labels round
    ///   ticks with the decimals their step needs.
    public init(
        title: String, xLabel: String = "evaluations", yLabel: String, series: [Series], allowsNegative: Bool = true,
        stepped: Bool = false, tickFormat: (@Sendable (Double) -> String)? = nil
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.allowsNegative = allowsNegative
        self.stepped = stepped
        self.tickFormat = tickFormat
    }

    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]

    /// The SVG document.
    public var svg: String {
        let width = 720.0, height = 420.0
        let (left, right, top, bottom) = (80.0, 190.0, 30.0, 50.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let evaluations = max(series.map(\.values.count).max() ?? 1, 2)
        let values = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-12 * max(1, abs(high)) { low -= 0.5; high += 0.5 }
        let padding = 0.05 * (high - low)
        low -= padding
        if !allowsNegative { low = max(0, low) }
        high += padding
        func x(_ evaluation: Int) -> Double { left + plotWidth * Double(evaluation - 1) / Double(evaluations - 1) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - low) / (high - low)) }
        var body: [String] = []
        body.append(##"<rect x="\##(left)" y="\##(top)" width="\##(plotWidth)" height="\##(plotHeight)" fill="white" stroke="#444"/>"##)
        let yTicks = AxisTicks(low: low, high: high)
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            body.append(##"<line x1="\##(left - 5)" y1="\##(y(value))" x2="\##(left)" y2="\##(y(value))" stroke="#444"/>"##)
            body.append(##"<text x="\##(left - 8)" y="\##(y(value) + 4)" text-anchor="end" font-size="12">\##(Self.escape(tickFormat?(value) ?? label))</text>"##)
        }
        let xTicks = AxisTicks(low: 1, high: Double(evaluations), integers: true).values.map { Int($0) }
        for tick in Set([1] + xTicks).filter({ $0 >= 1 && $0 <= evaluations }).sorted() {
            body.append(##"<line x1="\##(x(tick))" y1="\##(top + plotHeight)" x2="\##(x(tick))" y2="\##(top + plotHeight + 5)" stroke="#444"/>"##)
            body.append(##"<text x="\##(x(tick))" y="\##(top + plotHeight + 20)" text-anchor="middle" font-size="12">\##(tick)</text>"##)
        }
        body.append(##"<text x="\##(left + plotWidth / 2)" y="\##(height - 10)" text-anchor="middle" font-size="13">\##(Self.escape(xLabel))</text>"##)
        body.append(##"<text x="18" y="\##(top + plotHeight / 2)" text-anchor="middle" font-size="13" transform="rotate(-90 18 \##(top + plotHeight / 2))">\##(Self.escape(yLabel))</text>"##)
        for (index, line) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            var points: [String] = []
            var previous: Double?
            for (offset, value) in line.values.enumerated() {
                guard let value, value.isFinite else { previous = nil; continue }
                if stepped, let previous {
                    points.append(String(format: "%.1f,%.1f", x(offset + 1), y(previous)))
                }
                points.append(String(format: "%.1f,%.1f", x(offset + 1), y(value)))
                previous = value
            }
            if !points.isEmpty {
                body.append(##"<polyline fill="none" stroke="\##(colour)" stroke-width="2" points="\##(points.joined(separator: " "))"/>"##)
            }
            let legendY = top + 20 * Double(index) + 10
            body.append(##"<line x1="\##(width - right + 15)" y1="\##(legendY)" x2="\##(width - right + 40)" y2="\##(legendY)" stroke="\##(colour)" stroke-width="2"/>"##)
            body.append(##"<text x="\##(width - right + 45)" y="\##(legendY + 4)" font-size="12">\##(Self.escape(line.name))</text>"##)
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif">
            <title>\(Self.escape(title))</title>
            \(body.joined(separator: "\n"))
            </svg>

            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
