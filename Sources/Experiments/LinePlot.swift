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
    /// Formats the y-axis ticks.
    public var tickFormat: @Sendable (Double) -> String
    /// Whether the y-axis may extend below 0 (errors and costs may not).
    public var allowsNegative: Bool

    public init(
        title: String, xLabel: String = "evaluations", yLabel: String, series: [Series], allowsNegative: Bool = true,
        tickFormat: @escaping @Sendable (Double) -> String = { String(format: "%.3g", $0) }
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.allowsNegative = allowsNegative
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
        for tick in 0...4 {
            let value = low + (high - low) * Double(tick) / 4
            body.append(##"<line x1="\##(left - 5)" y1="\##(y(value))" x2="\##(left)" y2="\##(y(value))" stroke="#444"/>"##)
            body.append(##"<text x="\##(left - 8)" y="\##(y(value) + 4)" text-anchor="end" font-size="12">\##(Self.escape(tickFormat(value)))</text>"##)
        }
        for tick in Set([1, evaluations / 4, evaluations / 2, 3 * evaluations / 4, evaluations]).filter({ $0 >= 1 }).sorted() {
            body.append(##"<line x1="\##(x(tick))" y1="\##(top + plotHeight)" x2="\##(x(tick))" y2="\##(top + plotHeight + 5)" stroke="#444"/>"##)
            body.append(##"<text x="\##(x(tick))" y="\##(top + plotHeight + 20)" text-anchor="middle" font-size="12">\##(tick)</text>"##)
        }
        body.append(##"<text x="\##(left + plotWidth / 2)" y="\##(height - 10)" text-anchor="middle" font-size="13">\##(Self.escape(xLabel))</text>"##)
        body.append(##"<text x="18" y="\##(top + plotHeight / 2)" text-anchor="middle" font-size="13" transform="rotate(-90 18 \##(top + plotHeight / 2))">\##(Self.escape(yLabel))</text>"##)
        for (index, line) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let points = line.values.enumerated().compactMap { offset, value in
                value.flatMap { $0.isFinite ? String(format: "%.1f,%.1f", x(offset + 1), y($0)) : nil }
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
