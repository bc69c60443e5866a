package main

import "github.com/urfave/cli/v2"

// apiCommands are the commands that talk to Kiva's Partner API or stand in
// for it: settings, sending, reference data, loans and the sandbox.
func apiCommands(io *IO) []*cli.Command {
	return []*cli.Command{
		// (registered commands, one per line)
		authCommand(io),
		configCommand(io),
		sendCommand(io),
		historyCommand(io),
		loansCommand(io),
		templateCommand(io),
		sandboxCommand(io),
	}
}
