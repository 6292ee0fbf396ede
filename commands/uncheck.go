package commands

var uncheckCmd = &spec{
	name:    "uncheck",
	example: "uncheck 2",
	key:     true,
	parse:   parseItem,
	format:  formatItem,
	handle:  handleCheck,
}
