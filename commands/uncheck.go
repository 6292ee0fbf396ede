package commands

var uncheckCmd = &spec{
	name:   "uncheck",
	brief:  "Open a checklist item again",
	args:   []Arg{itemArg},
	key:    true,
	parse:  parseItem,
	format: formatItem,
	handle: handleCheck,
}
