package commands

var uncheckCmd = &spec{
	name:    "uncheck",
	brief:   "Open a checklist item again",
	args:    []Arg{itemArg},
	example: "uncheck 2",
	key:     true,
	parse:   parseItem,
	format:  formatItem,
	handle:  handleCheck,
}
