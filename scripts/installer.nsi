; pipeline-tray's Windows installer: per user (no administrator), into the user's local programs
; folder. Built by scripts/windows_installer.py (`make windows-installer`), which passes VERSION,
; SOURCE (the staged folder: python\ with the app in it, app.ico) and OUTFILE.
; A 64-bit installer for a 64-bit Python: it also runs where no 32-bit layer is (Wine64 alone).
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!define APP "pipeline-tray"
!define PUBLISHER "pipeline-tray contributors"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
; The running tray's hidden window (tray_app/desktop/power/windows_session_end.py): WM_CLOSE to
; it quits the tray as its menu's Quit does (the session stopped, the hold released).
; (WM_CLOSE comes with MUI2.nsh's WinMessages.nsh.)
!define QUIT_WINDOW "pipeline-tray quit"
!define PYTHONW "$INSTDIR\python\pythonw.exe"
!define TRAY_ARGS "-m tray_app tray"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
ShowInstDetails nevershow
ShowUninstDetails nevershow

!define MUI_ICON "${SOURCE}\app.ico"
!define MUI_UNICON "${SOURCE}\app.ico"
!define MUI_FINISHPAGE_RUN "${PYTHONW}"
!define MUI_FINISHPAGE_RUN_PARAMETERS "${TRAY_ARGS}"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; Ask a running tray to quit and wait (up to 60 s: it stops the session first) until it is gone
; and its files can be replaced or removed.
!macro QUIT_TRAY un
Function ${un}QuitTray
  System::Call 'user32::FindWindowW(p 0, w "${QUIT_WINDOW}") p .r0'
  ${If} $0 P<> 0
    DetailPrint "Quitting the running ${APP}…"
    System::Call 'user32::PostMessageW(p r0, i ${WM_CLOSE}, p 0, p 0)'
  ${EndIf}
  StrCpy $1 0
  ${Do}
    System::Call 'user32::FindWindowW(p 0, w "${QUIT_WINDOW}") p .r0'
    ${If} $0 P= 0
      ; the window is gone; the process may still be unloading: its DLL frees last
      ClearErrors
      ${IfNot} ${FileExists} "$INSTDIR\python\python313.dll"
        ${Break}
      ${EndIf}
      FileOpen $2 "$INSTDIR\python\python313.dll" a
      ${IfNot} ${Errors}
        FileClose $2
        ${Break}
      ${EndIf}
    ${EndIf}
    IntOp $1 $1 + 1
    ${If} $1 > 240
      ${Break}
    ${EndIf}
    Sleep 250
  ${Loop}
FunctionEnd
!macroend
!insertmacro QUIT_TRAY ""
!insertmacro QUIT_TRAY "un."

Section "${APP}" SecApp
  SectionIn RO
  Call QuitTray
  SetOutPath "$INSTDIR"
  ; an upgrade in place: nothing of the old version's Python or packages stays behind
  RMDir /r "$INSTDIR\python"
  File /r "${SOURCE}\python"
  File "${SOURCE}\app.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${APP}.lnk" "${PYTHONW}" "${TRAY_ARGS}" "$INSTDIR\app.ico" 0
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\app.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

; The same Startup-folder shortcut `pipeline-tray autostart on` makes (tray_app/desktop/autostart.py).
Section /o "Start at login" SecLogin
  CreateShortCut "$SMSTARTUP\${APP}.lnk" "${PYTHONW}" "${TRAY_ARGS}" "$INSTDIR\app.ico" 0
SectionEnd

Section "un.${APP}" UnSecApp
  SectionIn RO
  Call un.QuitTray
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$SMSTARTUP\${APP}.lnk"
  RMDir /r "$INSTDIR\python"
  Delete "$INSTDIR\app.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR" ; only when empty: never a folder the user chose with more in it
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd

; Off unless ticked: settings, study history and the log (platformdirs' folders for the app).
Section /o "un.Settings and study history" UnSecData
  RMDir /r "$LOCALAPPDATA\${APP}"
  RMDir /r "$TEMP\${APP}"
SectionEnd
