import ArgumentParser

@main
struct HyperPowerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hyperpower",
        abstract: "Hardware-aware, constrained Bayesian hyper-parameter optimisation.",
        subcommands: [DemoCommand.self, RunCommand.self, InitCommand.self, BenchmarkCommand.self, CostModelCommand.self, ReportCommand.self,
                      DashboardCommand.self, JournalCommand.self],
        defaultSubcommand: DemoCommand.self
    )
}

/// `hyperpower demo …`: the demonstrations.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Demonstrations: the MLP on the digits (default), hardware-aware NAS on NAS-Bench-201, the GP surrogate.",
        subcommands: [DigitsDemoCommand.self, NASDemo.self, GaussianProcessDemo.self],
        defaultSubcommand: DigitsDemoCommand.self
    )
}
