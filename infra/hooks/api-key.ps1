# azd preprovision hook (Windows): the same as api-key.sh. Give this azd environment its gateway
# API key once, so that provisioning again keeps the key the silos already run with.
$ErrorActionPreference = 'Stop'
if (-not $env:ORLEANSKV_API_KEY) {
    # 32 random bytes as 64 hex digits.
    $key = [Convert]::ToHexString([Security.Cryptography.RandomNumberGenerator]::GetBytes(32)).ToLowerInvariant()
    azd env set ORLEANSKV_API_KEY $key
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    Write-Host 'Generated the gateway API key for this environment (azd env get-value ORLEANSKV_API_KEY).'
}
