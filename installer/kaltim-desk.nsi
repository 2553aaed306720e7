; Kaltim Desk installer (NSIS 3, Modern UI 2).
;
; Per-user install, no administrator rights: the program goes to
; %LOCALAPPDATA%\Programs\Kaltim Desk, shortcuts to the user's Start menu and desktop, the uninstall
; entry to HKCU. The database and backups live in the per-user data folder
; (%LOCALAPPDATA%\DinsosKaltim\KaltimDesk, from platformdirs); neither the installer nor the uninstaller
; ever touches that folder.
;
; Build (after PyInstaller has made dist\kaltim-desk):
;   makensis /DVERSION=0.1.0 installer\kaltim-desk.nsi
; Optional: /DBUNDLE=<folder made by PyInstaller>  /DOUTFILE=<setup.exe path>

Unicode true
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "Pass the version: makensis /DVERSION=x.y.z installer/kaltim-desk.nsi"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\dist\kaltim-desk"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\KaltimDesk-Setup-${VERSION}.exe"
!endif
!ifndef VERSION_QUAD
  !define VERSION_QUAD "${VERSION}.0"
!endif

!define APPNAME "Kaltim Desk"
!define EXENAME "kaltim-desk.exe"
!define PUBLISHER "Dinas Sosial Provinsi Kalimantan Timur"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\KaltimDesk"
!define DATADIR "$LOCALAPPDATA\DinsosKaltim\KaltimDesk"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
RequestExecutionLevel user
ShowInstDetails nevershow
ShowUninstDetails nevershow
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME} Setup"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "..\resources\icons\kaltim-desk.ico"
!define MUI_UNICON "..\resources\icons\kaltim-desk.ico"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${UNINSTKEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXENAME}"
!define MUI_FINISHPAGE_RUN_TEXT "$(RunApp)"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default: Indonesian.
!insertmacro MUI_LANGUAGE "Indonesian"
!insertmacro MUI_LANGUAGE "English"

LangString RunApp ${LANG_INDONESIAN} "Jalankan Kaltim Desk"
LangString RunApp ${LANG_ENGLISH} "Run Kaltim Desk"
LangString GuideName ${LANG_INDONESIAN} "Panduan Kaltim Desk"
LangString GuideName ${LANG_ENGLISH} "Kaltim Desk guide"
LangString GuideFile ${LANG_INDONESIAN} "panduan.html"
LangString GuideFile ${LANG_ENGLISH} "guide-en.html"
LangString UninstallName ${LANG_INDONESIAN} "Hapus Kaltim Desk"
LangString UninstallName ${LANG_ENGLISH} "Uninstall Kaltim Desk"
LangString StillRunning ${LANG_INDONESIAN} "Kaltim Desk masih berjalan. Tutup dahulu semua jendela Kaltim Desk, lalu klik Coba Lagi."
LangString StillRunning ${LANG_ENGLISH} "Kaltim Desk is still running. Close every Kaltim Desk window, then click Retry."
LangString DataKept ${LANG_INDONESIAN} "Program Kaltim Desk telah dihapus. Basis data dan cadangan TIDAK dihapus; semuanya tetap di:$\r$\n${DATADIR}$\r$\nHapus folder itu sendiri bila memang tidak diperlukan lagi."
LangString DataKept ${LANG_ENGLISH} "Kaltim Desk has been removed. The database and backups were NOT deleted; they remain in:$\r$\n${DATADIR}$\r$\nDelete that folder yourself only if it is no longer needed."
LangString DataInside ${LANG_INDONESIAN} "Folder ini berisi data Kaltim Desk. Pilih folder lain untuk program."
LangString DataInside ${LANG_ENGLISH} "This folder holds Kaltim Desk data. Choose another folder for the program."

Function .onInit
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

; The program folder must never be (or contain) the data folder: the uninstaller removes the program
; folder's own files only, but an update overwrites what is there.
Function .onVerifyInstDir
  ${If} ${FileExists} "$INSTDIR\kaltim-desk.db"
    Abort
  ${EndIf}
FunctionEnd

!macro CheckNotRunning un
Function ${un}CheckNotRunning
  retry:
  ClearErrors
  ${If} ${FileExists} "$INSTDIR\${EXENAME}"
    ; A running program keeps its .exe open: renaming it fails.
    Rename "$INSTDIR\${EXENAME}" "$INSTDIR\${EXENAME}.check"
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(StillRunning)" IDRETRY retry
      Quit
    ${EndIf}
    Rename "$INSTDIR\${EXENAME}.check" "$INSTDIR\${EXENAME}"
  ${EndIf}
FunctionEnd
!macroend
!insertmacro CheckNotRunning ""
!insertmacro CheckNotRunning "un."

Section "Kaltim Desk" SecMain
  SectionIn RO
  SetShellVarContext current
  Call CheckNotRunning
  SetOutPath "$INSTDIR"
  ; An update replaces the previous program files; the data folder is elsewhere and stays.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\${EXENAME}" "" "$INSTDIR\${EXENAME}" 0
  CreateShortcut "$SMPROGRAMS\${APPNAME}\$(GuideName).lnk" "$INSTDIR\_internal\resources\help\$(GuideFile)"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\$(UninstallName).lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${EXENAME}" "" "$INSTDIR\${EXENAME}" 0

  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXENAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Call un.CheckNotRunning
  ; Only what the installer put there: never RMDir /r "$INSTDIR", never the data folder.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\kaltim-desk.exe"
  Delete "$INSTDIR\kaltim-desk-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\$(UninstallName).lnk"
  Delete "$SMPROGRAMS\${APPNAME}\$(GuideName).lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"
  Delete "$DESKTOP\${APPNAME}.lnk"
  DeleteRegKey HKCU "${UNINSTKEY}"

  IfSilent +2
  MessageBox MB_OK|MB_ICONINFORMATION "$(DataKept)"
SectionEnd
