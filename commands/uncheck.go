package commands

var uncheckCmd = &spec{
	name:    "uncheck",
	usage:   "<n>",
	summary: "Mark checklist item n as open again.",
	example: "uncheck 2",
	key:     true,
	parse:   parseItem,
	format:  formatItem,
	handle:  handleCheck,
}
