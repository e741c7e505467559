import HeraldCLI

// The executable is only the entry point; every command lives in HeraldCLI where tests can reach it.
@main
extension HeraldCommand {}
