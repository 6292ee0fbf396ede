package fakemicrosoft

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// call sends body to path for account with a fresh token and returns the status and answer.
func call(t *testing.T, s *Server, method, path, account, body string) (int, string) {
	t.Helper()
	resp, err := http.PostForm(s.TokenURL(), url.Values{"grant_type": {"refresh_token"}, "client_id": {ClientID},
		"client_secret": {ClientSecret}, "refresh_token": {RefreshToken}, "scope": {Scope + " offline_access"}})
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	req, _ := http.NewRequest(method, s.URL()+"/CampaignManagement/v13"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("DeveloperToken", DeveloperToken)
	req.Header.Set("CustomerId", CustomerID)
	req.Header.Set("CustomerAccountId", account)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	io.Copy(&b, resp.Body)
	return resp.StatusCode, b.String()
}

func TestLimits(t *testing.T) {
	t.Parallel()
	many := make([]string, MaxCampaigns+1)
	for i := range many {
		many[i] = `{"Id":"1","Status":"Paused"}`
	}
	tests := []struct {
		name, method, path, account, body string
		wantStatus                        int
		wantText                          string
	}{
		{"too many campaigns", "PUT", "/Campaigns", "42", `{"AccountId":"42","Campaigns":[` + strings.Join(many, ",") + `]}`, 400, "CampaignServiceCampaignsArrayExceedsLimit"},
		{"no campaigns", "PUT", "/Campaigns", "42", `{"AccountId":"42","Campaigns":[]}`, 400, "CampaignServiceCampaignsArrayShouldNotBeNullOrEmpty"},
		{"account header differs from body", "PUT", "/Campaigns", "42", `{"AccountId":"43","Campaigns":[{"Id":"1","Status":"Paused"}]}`, 403, "UserIsNotAuthorized"},
		{"unknown id by index", "PUT", "/Campaigns", "42", `{"AccountId":"42","Campaigns":[{"Id":"1","Status":"Paused"},{"Id":"9","Status":"Paused"}]}`, 200, `"Index":1`},
		{"Search only by default", "POST", "/Campaigns/QueryByAccountId", "42", `{"AccountId":"42"}`, 200, `"Id":"1"`},
		{"unknown campaign type", "POST", "/Campaigns/QueryByAccountId", "42", `{"AccountId":"42","CampaignType":"Search,Nope"}`, 400, "InvalidCampaignType"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			s.AddCampaign("42", Campaign{ID: "1", Status: Active})
			s.AddCampaign("42", Campaign{ID: "2", Status: Active, Type: Shopping})
			s.AddAccount("43", "USD")
			status, body := call(t, s, tc.method, tc.path, tc.account, tc.body)
			if status != tc.wantStatus || !strings.Contains(body, tc.wantText) {
				t.Errorf("got %d %.300s, want %d with %s", status, body, tc.wantStatus, tc.wantText)
			}
			if strings.Contains(tc.name, "default") && strings.Contains(body, `"Id":"2"`) {
				t.Errorf("got %s, want the Shopping campaign left out without CampaignType", body)
			}
			want := Active
			if tc.name == "unknown id by index" {
				want = Paused
			}
			if c, _ := s.Campaign("42", "1"); c.Status != want {
				t.Errorf("campaign 1: got %s, want %s", c.Status, want)
			}
		})
	}
}

func TestBudgetPausedStaysBudgetPaused(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.AddCampaign("42", Campaign{ID: "1", Status: BudgetPaused})
	for _, step := range []struct{ to, want string }{{Paused, BudgetAndManualPaused}, {Active, BudgetPaused}} {
		status, body := call(t, s, "PUT", "/Campaigns", "42", fmt.Sprintf(`{"AccountId":"42","Campaigns":[{"Id":"1","Status":%q}]}`, step.to))
		if c, _ := s.Campaign("42", "1"); status != 200 || c.Status != step.want {
			t.Errorf("set %s: got %d %s and status %s, want 200 and %s", step.to, status, body, c.Status, step.want)
		}
	}
}
