package web

// dashText is every word the private pages (the managers' dashboard) say,
// in one language; text.D holds it. Domain words (statuses, event kinds)
// and number, money, duration and date formats come from package i18n.
type dashText struct {
	Dashboard, History, Trends, Nav     string
	Open, NoOpen, LiveNote              string
	Local, Workspace, SignOut           string
	Severity, Status, Duration          string
	Commander, LastUpdate, NoUpdate     string
	Ago                                 string // fmt: "%s ago"
	Paused, CostSoFar, RevenueUnknown   string
	SpendAvoided, Unassigned, Drill     string
	Filters, From, To, Any, Playbook    string
	Platform, Search, Apply, Reset, CSV string
	Results                             string // fmt: "Incidents: %d"
	Prev, Next, PageOf                  string // PageOf fmt: "Page %d of %d"
	NoMatch, Declared, Incident, Title  string
	BadDate, BadSeverity, BadPlatform   string // fmt with the value
	BadPage, BadPeriod, BadMonths       string
	Months, PerMonth, TTRChart          string
	Month, Count, Drills                string
	TTA, TTM, TTR, Median, P90          string
	Downtime, Revenue, Total, NoData    string
	DrillsApart                         string
	Summary, Impact, Roles, Checklist   string
	Timeline, Ads, FollowUps            string
	Postmortem, DownloadMD              string
	Detected, Acknowledged, Mitigated   string
	Resolved, Closed, DeclaredBy        string
	Campaign, State, PausedAt           string
	ResumedAt, NoAds, NoFollowUps       string
	NoChecklist, Owner, Due, Priority   string
	Event, Who, When, Text, Back        string
	NotFound                            string // fmt with the key
	Checks                              [3]string
	Forbidden, ForbiddenText            string
	Unavailable                         string
}

var dashTexts = map[string]dashText{
	"en": {
		Dashboard: "Dashboard", History: "History", Trends: "Trends", Nav: "Pages",
		Open: "Open incidents", NoOpen: "No open incident.", LiveNote: "This list updates by itself.",
		Local: "Local access: you see every workspace.", Workspace: "Workspace", SignOut: "Sign out",
		Severity: "Severity", Status: "Status", Duration: "Duration",
		Commander: "Commander", LastUpdate: "Last update", NoUpdate: "No update yet",
		Ago:    "%s ago",
		Paused: "Campaigns paused", CostSoFar: "Estimated cost so far", RevenueUnknown: "set REVENUE_PER_MINUTE to estimate it",
		SpendAvoided: "Ad spend avoided", Unassigned: "unassigned", Drill: "Drill",
		Filters: "Filters", From: "From", To: "To", Any: "Any", Playbook: "Playbook",
		Platform: "Platform", Search: "Title contains", Apply: "Apply", Reset: "Reset", CSV: "Download as CSV",
		Results: "Incidents: %d",
		Prev:    "Previous", Next: "Next", PageOf: "Page %d of %d",
		NoMatch: "No incident matches these filters.", Declared: "Declared", Incident: "Incident", Title: "Title",
		BadDate: "%q is not a date: write it as YYYY-MM-DD.", BadSeverity: "%q is not a severity: choose sev1 to sev4.", BadPlatform: "%q is not a platform: choose slack, discord or console.",
		BadPage: "The page number must be a whole number from 1.", BadPeriod: "The end date is before the start date.", BadMonths: "The period must be 3, 6, 12, 24 or 36 months.",
		Months: "Period", PerMonth: "Incidents per month, by severity", TTRChart: "Time to resolve per month: median and p90",
		Month: "Month", Count: "Incidents", Drills: "Drills",
		TTA: "Time to acknowledge", TTM: "Time to mitigate", TTR: "Time to resolve", Median: "median", P90: "p90",
		Downtime: "Downtime", Revenue: "Estimated revenue lost", Total: "Total", NoData: "No incident in this period.",
		DrillsApart: "Drills are counted apart and left out of every other figure.",
		Summary:     "Summary", Impact: "Impact", Roles: "Roles", Checklist: "Checklist",
		Timeline: "Timeline", Ads: "Ads paused and resumed", FollowUps: "Follow-ups",
		Postmortem: "Post-mortem draft", DownloadMD: "Download the Markdown",
		Detected: "Detected", Acknowledged: "Acknowledged", Mitigated: "Mitigated",
		Resolved: "Resolved", Closed: "Closed", DeclaredBy: "Declared by",
		Campaign: "Campaign", State: "State", PausedAt: "Paused",
		ResumedAt: "Resumed", NoAds: "No campaign was paused.", NoFollowUps: "No follow-up yet.",
		NoChecklist: "This playbook has no checklist.", Owner: "Owner", Due: "Due", Priority: "Priority",
		Event: "Event", Who: "Who", When: "When", Text: "What", Back: "Back to the history",
		NotFound:      "Incident %s not found.",
		Checks:        [3]string{"to do", "done", "skipped"},
		Forbidden:     "This page is private",
		ForbiddenText: "Sign in to see the dashboard. Without any sign-in configured, it answers only on the machine that runs the bot, at a loopback address such as http://127.0.0.1:8080/.",
		Unavailable:   "The dashboard cannot read the database right now; try again in a moment.",
	},
	"fr": {
		Dashboard: "Tableau de bord", History: "Historique", Trends: "Tendances", Nav: "Pages",
		Open: "Incidents ouverts", NoOpen: "Aucun incident ouvert.", LiveNote: "Cette liste se met à jour toute seule.",
		Local: "Accès local : vous voyez tous les espaces de travail.", Workspace: "Espace de travail", SignOut: "Se déconnecter",
		Severity: "Gravité", Status: "État", Duration: "Durée",
		Commander: "Responsable", LastUpdate: "Dernier point", NoUpdate: "Pas encore de point",
		Ago:    "il y a %s",
		Paused: "Campagnes suspendues", CostSoFar: "Coût estimé à ce stade", RevenueUnknown: "définissez REVENUE_PER_MINUTE pour l'estimer",
		SpendAvoided: "Dépenses publicitaires évitées", Unassigned: "non attribué", Drill: "Exercice",
		Filters: "Filtres", From: "Du", To: "Au", Any: "Tous", Playbook: "Playbook",
		Platform: "Plateforme", Search: "Le titre contient", Apply: "Appliquer", Reset: "Réinitialiser", CSV: "Télécharger en CSV",
		Results: "Incidents : %d",
		Prev:    "Précédente", Next: "Suivante", PageOf: "Page %d sur %d",
		NoMatch: "Aucun incident ne correspond à ces filtres.", Declared: "Déclaré", Incident: "Incident", Title: "Titre",
		BadDate: "%q n'est pas une date : écrivez-la AAAA-MM-JJ.", BadSeverity: "%q n'est pas une gravité : choisissez sev1 à sev4.", BadPlatform: "%q n'est pas une plateforme : choisissez slack, discord ou console.",
		BadPage: "Le numéro de page doit être un nombre entier à partir de 1.", BadPeriod: "La date de fin précède la date de début.", BadMonths: "La période doit être de 3, 6, 12, 24 ou 36 mois.",
		Months: "Période", PerMonth: "Incidents par mois, par gravité", TTRChart: "Délai de résolution par mois : médiane et p90",
		Month: "Mois", Count: "Incidents", Drills: "Exercices",
		TTA: "Délai de prise en charge", TTM: "Délai d'atténuation", TTR: "Délai de résolution", Median: "médiane", P90: "p90",
		Downtime: "Indisponibilité", Revenue: "Chiffre d'affaires perdu (estimation)", Total: "Total", NoData: "Aucun incident sur cette période.",
		DrillsApart: "Les exercices sont comptés à part et exclus de tous les autres chiffres.",
		Summary:     "Résumé", Impact: "Impact", Roles: "Rôles", Checklist: "Liste de contrôle",
		Timeline: "Chronologie", Ads: "Publicités suspendues et relancées", FollowUps: "Actions de suivi",
		Postmortem: "Brouillon du post-mortem", DownloadMD: "Télécharger le Markdown",
		Detected: "Détecté", Acknowledged: "Pris en charge", Mitigated: "Atténué",
		Resolved: "Résolu", Closed: "Clos", DeclaredBy: "Déclaré par",
		Campaign: "Campagne", State: "État", PausedAt: "Suspendue",
		ResumedAt: "Relancée", NoAds: "Aucune campagne n'a été suspendue.", NoFollowUps: "Aucune action de suivi pour l'instant.",
		NoChecklist: "Ce playbook n'a pas de liste de contrôle.", Owner: "Responsable", Due: "Échéance", Priority: "Priorité",
		Event: "Événement", Who: "Qui", When: "Quand", Text: "Quoi", Back: "Retour à l'historique",
		NotFound:      "Incident %s introuvable.",
		Checks:        [3]string{"à faire", "fait", "ignoré"},
		Forbidden:     "Cette page est privée",
		ForbiddenText: "Connectez-vous pour voir le tableau de bord. Sans connexion configurée, il ne répond que sur la machine qui fait tourner le bot, à une adresse locale comme http://127.0.0.1:8080/.",
		Unavailable:   "Le tableau de bord ne peut pas lire la base de données pour l'instant ; réessayez dans un moment.",
	},
}
