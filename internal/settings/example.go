package settings

// ExampleConfig returns a commented config file users can start from
// (`kivaconv config init` writes it). It parses as a valid config.
func ExampleConfig() string {
	return exampleConfig
}

const exampleConfig = `# kivaconv API settings. Values here are overridden by environment variables
# (KIVA_API_URL, KIVA_CLIENT_ID, …) and by flags (--api-url, …).
# Run "kivaconv config show" to see what is used and where each value comes from.

# The profile used when neither --env nor KIVA_ENV names one.
# Test on stage until Kiva signs off; production is used only when you name it.
env: stage

profiles:
  # Kiva's test environment. Its URLs are built in; give your stage credentials.
  stage:
    # partner_id: "1234"          # your partner ID (digits); else taken from the token
    # client_id: your-stage-client-id
    # The client secret lives in a file that holds only the secret (chmod 600),
    # or in the KIVA_CLIENT_SECRET environment variable. Never in a flag.
    # client_secret_file: ~/.config/kivaconv/stage.secret

  # Kiva's production environment: separate credentials from stage.
  # production:
  #   partner_id: "1234"
  #   client_id: your-production-client-id
  #   client_secret_file: ~/.config/kivaconv/production.secret

  # sandbox: a test server on this computer (http://127.0.0.1:8089); its URLs,
  # partner ID and client ID are built in.

  # A custom profile must give all three URLs.
  # training:
  #   token_url: http://127.0.0.1:8089/oauth/token
  #   audience: https://sandbox.kivaconv.local
  #   api_url: http://127.0.0.1:8089
  #   client_id: training
  #   client_secret_file: training.secret   # relative to this file's folder
  #   scopes: [read:loans, create:loan_draft, create:repayment, create:journal_update]
  #   journals_path: /v3/partner/{id}/journals
`
