package commands

// drillCmd runs the declare flow as practice: the service marks it a drill
// and every external action runs dry.
var drillCmd = &spec{
	name:    "drill",
	example: "drill sev2 type:checkout-failure Payment provider down",
	parse:   parseDeclare,
	format:  formatDeclare,
	handle:  handleDeclare,
}
