# Build the Windows installer: PyInstaller (program folder) -> self-test of the frozen program -> makensis.
# Run from anywhere:  powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1
# Needs: uv, and NSIS 3 (makensis on PATH or in "Program Files (x86)\NSIS").
# Output: dist\KaltimDesk-Setup-<version>.exe
$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root

$version = (uv run --frozen python -c "import kaltim_desk; print(kaltim_desk.__version__)").Trim()
if (-not $version) { throw "Could not read the version from src/kaltim_desk/__init__.py" }
Write-Host "Kaltim Desk $version"

uv sync --frozen
if ($LASTEXITCODE -ne 0) { throw "uv sync failed" }

uv run --frozen pyinstaller installer/kaltim-desk.spec --noconfirm --clean
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# The console twin of the program runs the headless self-test: demo office, PDF, workbook.
& "dist\kaltim-desk\kaltim-desk-cli.exe" --version
& "dist\kaltim-desk\kaltim-desk-cli.exe" selftest
if ($LASTEXITCODE -ne 0) { throw "The frozen program's self-test failed" }

$makensis = (Get-Command makensis -ErrorAction SilentlyContinue).Source
if (-not $makensis) {
    $candidate = Join-Path ${env:ProgramFiles(x86)} "NSIS\makensis.exe"
    if (Test-Path $candidate) { $makensis = $candidate } else { throw "makensis not found: install NSIS 3" }
}
& $makensis -V2 "-DVERSION=$version" installer\kaltim-desk.nsi
if ($LASTEXITCODE -ne 0) { throw "makensis failed" }

Get-Item "dist\KaltimDesk-Setup-$version.exe" | Format-List Name, Length
