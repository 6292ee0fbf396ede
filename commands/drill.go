package commands

// drillCmd runs the declare flow as practice: the service marks it a drill
// and every external action runs dry.
var drillCmd = &spec{
	name:   "drill",
	brief:  "A practice incident: same flow, every external action a dry run",
	args:   []Arg{severityArg(false), typeArg, titleArg, forceArg},
	parse:  parseDeclare,
	format: formatDeclare,
	handle: handleDeclare,
}
