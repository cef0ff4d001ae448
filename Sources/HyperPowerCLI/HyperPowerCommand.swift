import ArgumentParser

@main
struct HyperPowerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hyperpower",
        abstract: "Hardware-aware, constrained Bayesian hyper-parameter optimisation.",
        discussion: """
            The optimiser and its demo are being built in stages. Today `demo` fits the \
            Gaussian-process model the optimiser relies on and reports how well it predicts.
            """,
        subcommands: [GaussianProcessDemo.self],
        defaultSubcommand: GaussianProcessDemo.self
    )
}
