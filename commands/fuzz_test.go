package commands

import (
	"strings"
	"testing"

	"incidentbot"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"declare sev1 Checkout returns 504",
		"/incident declare SEV2 type:checkout-failure Paiement refusé --force",
		"drill sev3 Practice",
		"status INC-42",
		"update INC-42 DB restarted\nwatching",
		"role tech-lead <@U1|ann>",
		"sev INC-1",
		"ads INC-4 pause meta",
		"ads pause --confirm googleads",
		"declare Deploy --force-push broke checkout",
		"declare --force Deploy --force broke --force",
		"ads resume INC-4",
		"verify <https://shop.example.com/|shop>",
		"remind snooze 1h30m",
		"check 2",
		"help acknowledge",
		"retry INC-7",
		"list --all page 2",
		"list page 3 --all page 1",
		"declare sev1 --since 14:02 Site down",
		"declare Site down --since 2026-12-05 14:02 --force",
		"impact INC-3 12.5%",
		"impact start 2026-12-05 14:02",
		"followup add Alert on 5xx @bruno due 2026-12-12 p1 type:detect",
		"followup add Fix p1 due 2026-01-01 p2 @a @b",
		"followup INC-2 done 3",
		"followup list",
		"impact-start 2026-12-05T14:02",
		"",
		"   ",
		"/incident",
		"déclarer 🔥 la boutique est en panne",
		"declare \u00a0sev1\u2003Site\u3000down",
		"update \xff\xfe",
		"declare " + strings.Repeat("long title ", 500),
		"update " + strings.Repeat("é", 10000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(in)
		if err != nil {
			if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
				t.Fatalf("Parse(%q): got code %q, want %q", in, code, incidentbot.EINVALID)
			}
			return
		}
		again, err := Parse(c.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %+v; Parse(%q): %v", in, c, c.String(), err)
		}
		if again != c {
			t.Fatalf("Parse(%q) = %+v; Parse(%q) = %+v", in, c, c.String(), again)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, in := range []string{
		"declare sev1 type:outage Checkout returns 504",
		"update INC-42 DB restarted, checkout recovering, watching error rates",
		"ads pause INC-42 meta",
	} {
		name, _ := next(in)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
