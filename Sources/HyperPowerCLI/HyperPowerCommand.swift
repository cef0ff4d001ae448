import ArgumentParser

@main
struct HyperPowerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hyperpower",
        abstract: "Hardware-aware, constrained Bayesian hyper-parameter optimisation.",
        subcommands: [GaussianProcessDemo.self, BenchmarkCommand.self, CostModelCommand.self],
        defaultSubcommand: GaussianProcessDemo.self
    )
}
