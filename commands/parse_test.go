package commands

import (
	"strings"
	"testing"
	"time"

	"incidentbot"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Command
	}{
		{"declare with sev", "declare sev1 Checkout returns 504", Command{Name: "declare", Severity: incidentbot.SEV1, Title: "Checkout returns 504"}},
		{"prefix, upper case", "/incident DECLARE SEV2 Checkout returns 504", Command{Name: "declare", Severity: incidentbot.SEV2, Title: "Checkout returns 504"}},
		{"declare title only", "declare Paiement refusé", Command{Name: "declare", Title: "Paiement refusé"}},
		{"declare options any order", "declare type:Outage sev3 --force  Site   down ", Command{Name: "declare", Severity: incidentbot.SEV3, Type: "outage", Title: "Site down", Force: true}},
		{"declare trailing force", "declare sev1 Site down --force", Command{Name: "declare", Severity: incidentbot.SEV1, Title: "Site down", Force: true}},
		{"declare force-push in the title", "declare Deploy --force-push broke checkout", Command{Name: "declare", Title: "Deploy --force-push broke checkout"}},
		{"declare force mid-title", "declare Deploy --force broke checkout", Command{Name: "declare", Title: "Deploy --force broke checkout"}},
		{"declare force-push at the end", "declare Deploy broke on git push --force-with-lease", Command{Name: "declare", Title: "Deploy broke on git push --force-with-lease"}},
		{"declare force-push first", "declare sev2 --force-push broke checkout --force", Command{Name: "declare", Severity: incidentbot.SEV2, Title: "--force-push broke checkout", Force: true}},
		{"declare force both ends", "declare --FORCE Deploy --force broke checkout --force", Command{Name: "declare", Title: "Deploy --force broke checkout", Force: true}},
		{"declare accented type", "declare type:Sécurité Site piraté", Command{Name: "declare", Type: "securite", Title: "Site piraté"}},
		{"declare key is title", "declare INC-4 again", Command{Name: "declare", Title: "INC-4 again"}},
		{"declare severe is title", "declare severe lag", Command{Name: "declare", Title: "severe lag"}},
		{"declare since first", "declare sev1 --since 14:02 Site down", Command{Name: "declare", Severity: incidentbot.SEV1, Title: "Site down", Since: incidentbot.LocalTime{Hour: 14, Minute: 2}, HasSince: true}},
		{"declare since last", "declare Site down --since 2026-12-05 09:07 --force", Command{Name: "declare", Title: "Site down", Force: true, Since: incidentbot.LocalTime{Year: 2026, Month: 12, Day: 5, Hour: 9, Minute: 7}, HasSince: true}},
		{"declare since with T", "declare --since 2026-12-05T23:59 Site down", Command{Name: "declare", Title: "Site down", Since: incidentbot.LocalTime{Year: 2026, Month: 12, Day: 5, Hour: 23, Minute: 59}, HasSince: true}},
		{"declare since in the title", "declare Down since 14:02", Command{Name: "declare", Title: "Down since 14:02"}},
		{"impact share", "impact INC-4 30%", Command{Name: "impact", Key: "INC-4", Share: 0.3}},
		{"impact decimal share", "impact 12.5%", Command{Name: "impact", Share: 0.125}},
		{"impact start", "impact INC-4 start 14:02", Command{Name: "impact-start", Key: "INC-4", Since: incidentbot.LocalTime{Hour: 14, Minute: 2}, HasSince: true}},
		{"impact-start", "impact-start 14:02", Command{Name: "impact-start", Since: incidentbot.LocalTime{Hour: 14, Minute: 2}, HasSince: true}},
		{"impact-start date", "impact-start INC-4 2026-12-05 14:02", Command{Name: "impact-start", Key: "INC-4", Since: incidentbot.LocalTime{Year: 2026, Month: 12, Day: 5, Hour: 14, Minute: 2}, HasSince: true}},
		{"followup add all options", "followup add Alert on checkout 5xx @bruno due 2026-12-12 p1 type:detect", Command{Name: "followup", FollowUpOp: "add", Text: "Alert on checkout 5xx", User: "@bruno", Due: "2026-12-12", Priority: 1, Type: "detect"}},
		{"followup add options any order", "follow-up INC-4 add Raise pool  size P3 due 2026-01-05 <@U1|ann>", Command{Name: "followup", Key: "INC-4", FollowUpOp: "add", Text: "Raise pool size", User: "<@U1|ann>", Due: "2026-01-05", Priority: 3}},
		{"followup add text only", "followup add Write the runbook", Command{Name: "followup", FollowUpOp: "add", Text: "Write the runbook"}},
		{"followup option words kept in the text", "followup add Move p1 checks p2", Command{Name: "followup", FollowUpOp: "add", Text: "Move p1 checks", Priority: 2}},
		{"followup never a broadcast owner", "followup add Tell @here", Command{Name: "followup", FollowUpOp: "add", Text: "Tell @here"}},
		{"followup list", "followup list", Command{Name: "followup", FollowUpOp: "list"}},
		{"followup export", "followup INC-4 export", Command{Name: "followup", Key: "INC-4", FollowUpOp: "export"}},
		{"followup done", "followup INC-4 done 2", Command{Name: "followup", Key: "INC-4", FollowUpOp: "done", Item: 2}},
		{"drill", "drill sev2 Payment provider down", Command{Name: "drill", Severity: incidentbot.SEV2, Title: "Payment provider down"}},
		{"status", "status", Command{Name: "status"}},
		{"status key", "status inc-042", Command{Name: "status", Key: "INC-42"}},
		{"update key text", "update INC-42 DB restarted\nwatching", Command{Name: "update", Key: "INC-42", Text: "DB restarted\nwatching"}},
		{"update text", "update DB restarted", Command{Name: "update", Text: "DB restarted"}},
		{"update button", "update INC-42", Command{Name: "update", Key: "INC-42"}},
		{"role mention", "role Tech-Lead <@U1>", Command{Name: "role", Role: "tech-lead", User: "<@U1>"}},
		{"role key group", "role INC-3 comms @support-leads", Command{Name: "role", Key: "INC-3", Role: "comms", User: "@support-leads"}},
		{"role email", "role commander ann@shop.example", Command{Name: "role", Role: "commander", User: "ann@shop.example"}},
		{"role slack escaped", "role comms <@U1|ann>", Command{Name: "role", Role: "comms", User: "<@U1|ann>"}},
		{"roles", "roles INC-3", Command{Name: "roles", Key: "INC-3"}},
		{"sev", "sev SEV2", Command{Name: "sev", Severity: incidentbot.SEV2}},
		{"sev digit", "sev INC-1 4", Command{Name: "sev", Key: "INC-1", Severity: incidentbot.SEV4}},
		{"sev button", "sev INC-1", Command{Name: "sev", Key: "INC-1"}},
		{"severity alias", "severity sev3", Command{Name: "sev", Severity: incidentbot.SEV3}},
		{"note", "note Deploy 4512 at 14:02", Command{Name: "note", Text: "Deploy 4512 at 14:02"}},
		{"ads alone", "ads", Command{Name: "ads", AdsOp: incidentbot.AdsStatus}},
		{"ads pause", "ads pause", Command{Name: "ads", AdsOp: incidentbot.AdsPause}},
		{"ads button", "ads pause INC-42", Command{Name: "ads", Key: "INC-42", AdsOp: incidentbot.AdsPause}},
		{"ads key first", "ads INC-42 Resume META", Command{Name: "ads", Key: "INC-42", AdsOp: incidentbot.AdsResume, Platform: "meta"}},
		{"ads status platform", "ads status tiktok", Command{Name: "ads", AdsOp: incidentbot.AdsStatus, Platform: "tiktok"}},
		{"verify", "verify", Command{Name: "verify"}},
		{"verify url", "verify https://shop.example.com/", Command{Name: "verify", URL: "https://shop.example.com/"}},
		{"verify slack link", "verify INC-2 <https://shop.example.com/|shop.example.com>", Command{Name: "verify", Key: "INC-2", URL: "https://shop.example.com/"}},
		{"ack", "ack INC-42", Command{Name: "ack", Key: "INC-42"}},
		{"acknowledge alias", "acknowledge", Command{Name: "ack"}},
		{"mitigated", "mitigated", Command{Name: "mitigated"}},
		{"resolve summary", "resolve INC-42 Cache flushed", Command{Name: "resolve", Key: "INC-42", Text: "Cache flushed"}},
		{"resolve bare", "resolve", Command{Name: "resolve"}},
		{"reopen", "reopen INC-9", Command{Name: "reopen", Key: "INC-9"}},
		{"close", "close", Command{Name: "close"}},
		{"postmortem", "postmortem INC-9", Command{Name: "postmortem", Key: "INC-9"}},
		{"list", "list", Command{Name: "list"}},
		{"list all", "list --ALL", Command{Name: "list", All: true}},
		{"list page", "list page 2", Command{Name: "list", Page: 2}},
		{"list page all", "list Page 03 --all", Command{Name: "list", All: true, Page: 3}},
		{"help", "help", Command{Name: "help"}},
		{"help alias topic", "help acknowledge", Command{Name: "help", Text: "ack"}},
		{"check", "check 2", Command{Name: "check", Item: 2}},
		{"uncheck key", "uncheck INC-5 03", Command{Name: "uncheck", Key: "INC-5", Item: 3}},
		{"remind on", "remind on", Command{Name: "remind", Remind: incidentbot.RemindOn}},
		{"remind off key", "remind INC-5 OFF", Command{Name: "remind", Key: "INC-5", Remind: incidentbot.RemindOff}},
		{"remind snooze", "remind snooze 30m", Command{Name: "remind", Remind: incidentbot.RemindSnooze, Duration: 30 * time.Minute}},
		{"remind snooze bounds", "remind snooze 24H", Command{Name: "remind", Remind: incidentbot.RemindSnooze, Duration: 24 * time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want %+v", tc.in, err, tc.want)
			}
			if got != tc.want {
				t.Errorf("Parse(%q): got %+v, want %+v", tc.in, got, tc.want)
			}
			again, err := Parse(got.String())
			if err != nil || again != got {
				t.Errorf("Parse(%q) = %+v, %v; want %+v", got.String(), again, err, got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const (
		declareUsage  = "\nUsage: `/incident declare [sev1..sev4] [type:<playbook>] [--since 14:02] <title> [--force]`"
		statusUsage   = "\nUsage: `/incident status [INC-42]`"
		roleUsage     = "\nUsage: `/incident role [INC-42] <role> <@person|@group|e-mail>`"
		adsUsage      = "\nUsage: `/incident ads pause|resume|status [INC-42] [googleads|meta|microsoft|tiktok] [--confirm]`"
		remindUsage   = "\nUsage: `/incident remind [INC-42] on|off|snooze <duration>`"
		checkUsage    = "\nUsage: `/incident check [INC-42] <n>`"
		followupUsage = "\nUsage: `/incident followup [INC-42] add <text> [@owner] [due YYYY-MM-DD] [p1..p3] [type:prevent|detect|mitigate|process] | list | done <n> | export`"
		listUsage     = "\nUsage: `/incident list [--all] [page <n>]`"
	)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "  ", "Type a command after /incident.\n" + commandList{}.In("en")},
		{"prefix only", "/incident", "Type a command after /incident.\n" + commandList{}.In("en")},
		{"unknown command", "explode now", "Unknown command \"explode\".\n" + commandList{}.In("en")},
		{"missing title", "declare sev1", "Give the incident a title: what is broken, as customers see it." + declareUsage},
		{"force only", "declare --force", "Give the incident a title: what is broken, as customers see it." + declareUsage},
		{"bad severity", "declare sev5 Site down", "Unknown severity \"sev5\". Use sev1 (site down) to sev4 (minor)." + declareUsage},
		{"severity twice", "declare sev1 sev2 Site down", "Give the severity once." + declareUsage},
		{"empty type", "declare type: Site down", "\"type:\" is not a playbook type: use letters, digits and dashes, e.g. type:outage." + declareUsage},
		{"type twice", "declare type:a type:b Site down", "Give the type once." + declareUsage},
		{"title too long", "declare " + strings.Repeat("x", 151), "The title is 151 characters long; keep it under 150 and put details in an update." + declareUsage},
		{"since twice", "declare --since 14:02 Down --since 14:03", "Give --since once." + declareUsage},
		{"since bad time", "declare --since 25:00 Down", "\"25:00\" is not a time. Write the time as 14:02 (today) or 2026-12-05 14:02." + declareUsage},
		{"since bad date", "declare Down --since 2026-13-01 10:00", "\"2026-13-01 10:00\" is not a date and time. Write the time as 14:02 (today) or 2026-12-05 14:02." + declareUsage},
		{"impact no share", "impact", "Give the share of sales lost, e.g. 30% for a slowdown, 100% when nobody can buy.\nUsage: `/incident impact [INC-42] <0%..100%> | start <HH:MM>`"},
		{"impact no percent", "impact 30", "\"30\" is not a share of sales. Write a percentage from 0% to 100%, e.g. 30% for a slowdown, 100% when nobody can buy.\nUsage: `/incident impact [INC-42] <0%..100%> | start <HH:MM>`"},
		{"impact over 100", "impact 150%", "\"150%\" is not a share of sales. Write a percentage from 0% to 100%, e.g. 30% for a slowdown, 100% when nobody can buy.\nUsage: `/incident impact [INC-42] <0%..100%> | start <HH:MM>`"},
		{"impact-start missing", "impact-start", "Give the time customers were first affected, e.g. 14:02.\nUsage: `/incident impact-start [INC-42] <HH:MM | YYYY-MM-DD HH:MM>`"},
		{"impact-start extra", "impact-start 14:02 today", "Unexpected \"today\".\nUsage: `/incident impact-start [INC-42] <HH:MM | YYYY-MM-DD HH:MM>`"},
		{"followup nothing", "followup", "Say add, list, done or export." + followupUsage},
		{"followup bad op", "followup remove 1", "Unknown followup action \"remove\". Use add, list, done or export." + followupUsage},
		{"followup export takes nothing more", "followup export now", "Unexpected \"now\"." + followupUsage},
		{"followup add empty", "followup add p1", "Write what to do after add." + followupUsage},
		{"followup bad type", "followup add Fix type:later", "\"later\" is not a follow-up type. Use prevent, detect, mitigate or process." + followupUsage},
		{"followup done no number", "followup done two", "Give the number of the follow-up done, as /incident followup list shows it, e.g. followup done 2." + followupUsage},
		{"followup too long", "followup add " + strings.Repeat("x", 201), "The follow-up is 201 characters long; keep it under 200: a tracker titles it." + followupUsage},
		{"bad key", "status INC-x", "\"INC-x\" is not an incident key. Keys look like INC-42." + statusUsage},
		{"zero key", "status INC-0", "\"INC-0\" is not an incident key. Keys look like INC-42." + statusUsage},
		{"status extra", "status now", "Unexpected \"now\"." + statusUsage},
		{"note empty", "note INC-4", "Write the note after the command.\nUsage: `/incident note [INC-42] <text>`"},
		{"role nothing", "role", "Name the role and the person who takes it." + roleUsage},
		{"role without user", "role tech-lead", "Say who takes the role tech-lead: a mention (@alice), a group (@oncall) or an e-mail." + roleUsage},
		{"role bad name", "role tech/lead @a", "\"tech/lead\" is not a role name: use letters, digits and dashes, e.g. tech-lead." + roleUsage},
		{"role bad user", "role comms bob", "\"bob\" is not a person: use a mention (@alice), a group (@oncall) or an e-mail." + roleUsage},
		{"role two users", "role comms @a @b", "Give one person or group per command." + roleUsage},
		{"sev bad", "sev high", "Unknown severity \"high\". Use sev1 (site down) to sev4 (minor).\nUsage: `/incident sev [INC-42] <sev1..sev4>`"},
		{"ads bad op", "ads stop", "Unknown ads action \"stop\". Use pause, resume or status." + adsUsage},
		{"ads bad platform", "ads pause google", "Unknown ad platform \"google\". Use googleads, meta, microsoft, tiktok." + adsUsage},
		{"ads key twice", "ads INC-1 pause INC-2", "Give the incident key once." + adsUsage},
		{"ads bad key after op", "ads pause INC-", "\"INC-\" is not an incident key. Keys look like INC-42." + adsUsage},
		{"verify bad url", "verify shop.example.com", "\"shop.example.com\" is not a web address. Give a full URL such as https://shop.example.com/.\nUsage: `/incident verify [INC-42] [url]`"},
		{"verify ftp", "verify ftp://shop.example.com", "\"ftp://shop.example.com\" is not a web address. Give a full URL such as https://shop.example.com/.\nUsage: `/incident verify [INC-42] [url]`"},
		{"check missing", "check", "Give the checklist item number shown in the war room." + checkUsage},
		{"check zero", "check 0", "\"0\" is not a checklist item number: use the number shown in the war room, e.g. 2." + checkUsage},
		{"check word", "check two", "\"two\" is not a checklist item number: use the number shown in the war room, e.g. 2." + checkUsage},
		{"remind nothing", "remind", "Say on, off, or snooze and how long." + remindUsage},
		{"remind bad op", "remind later", "Unknown reminder switch \"later\". Use on, off or snooze." + remindUsage},
		{"remind no duration", "remind snooze", "Say how long to snooze, e.g. 30m or 2h." + remindUsage},
		{"remind bad duration", "remind snooze 2d", "\"2d\" is not a duration. Use minutes or hours, e.g. 30m or 2h." + remindUsage},
		{"remind too short", "remind snooze 30s", "Snooze for 1m to 24h, not 30s." + remindUsage},
		{"remind too long", "remind snooze 25h", "Snooze for 1m to 24h, not 25h." + remindUsage},
		{"remind on extra", "remind on 5m", "Unexpected \"5m\"." + remindUsage},
		{"list extra", "list INC-4", "Unexpected \"INC-4\"." + listUsage},
		{"list bare number", "list 2", "Unexpected \"2\"." + listUsage},
		{"list page missing", "list page", "Say which page, from 1: page 2." + listUsage},
		{"list page zero", "list --all page 0", "Say which page, from 1: page 2." + listUsage},
		{"list page huge", "list page 99999999999999999999", "Say which page, from 1: page 2." + listUsage},
		{"help unknown", "help fly", "Unknown command \"fly\".\n" + commandList{}.In("en")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q): got %+v, want error %q", tc.in, c, tc.want)
			}
			if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
				t.Errorf("got code %q, want %q", code, incidentbot.EINVALID)
			}
			if got := incidentbot.ErrorMessage(err); got != tc.want {
				t.Errorf("got message\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Minute, "30m"},
		{2 * time.Hour, "2h"},
		{90 * time.Minute, "1h30m"},
		{90 * time.Second, "1m30s"},
		{time.Hour + time.Second, "1h0m1s"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			if got := formatDuration(tc.d); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPublicTextSendParse: "send" takes the key and --confirm in any order.
func TestPublicTextSendParse(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"send INC-7 --confirm", "send --confirm INC-7", "send --CONFIRM inc-7"} {
		c, err := Parse(in)
		if err != nil || c.Name != "send" || c.Key != "INC-7" || !c.Force || c.String() != "send INC-7 --confirm" {
			t.Errorf("Parse(%q) = %+v, %v; want send INC-7 --confirm", in, c, err)
		}
	}
	if _, err := Parse("send INC-7 now"); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
		t.Errorf("Parse(send INC-7 now): got %v, want EINVALID", err)
	}
}
