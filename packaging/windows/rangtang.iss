; Inno Setup script of the Windows installer of Rangtang Desktop (壤塘儿童保护 · འཛམ་ཐང་བྱིས་པ་སྲུང་སྐྱོབ).
;
; Build on Windows, after the one-folder build:
;     py packaging\build.py                         (writes dist\rangtang-desktop\ and runs its self-test)
;     iscc /DAppVersion=0.1.0 packaging\windows\rangtang.iss
; or  py packaging\build.py --installer             (does both; finds ISCC.exe of Inno Setup 6.3+ or 7)
; The installer is written to dist\rangtang-desktop-<version>-setup.exe.
;
; It installs dist\rangtang-desktop\ into Program Files for all users (administrator rights) or, when
; the person installing has none, into their own programs folder (the first page asks; also
; /ALLUSERS or /CURRENTUSER on the command line). It adds a Start-menu shortcut, an optional desktop
; shortcut and the uninstaller. Uninstalling removes the program only: the database, its backups,
; settings and logs are in the user's data folders (%LOCALAPPDATA%\RangtangDesktop, ...) and stay.
;
; Languages: Simplified Chinese and Tibetan (a language page comes first). ChineseSimplified.isl is a
; user-contributed translation maintained outside Inno Setup (https://jrsoftware.org/files/istrans/,
; by kira-96): recent Inno Setup releases ship it in their Languages folder, older ones do not — then
; put the file from that page in packaging\windows\ (do not commit it) or in Inno Setup's Languages
; folder. There is no Tibetan translation of Inno Setup: Tibetan.isl beside this script was written
; for this program and must be checked by a native reader (see its header).
;
; Saved as UTF-8 with a byte-order mark, which Inno Setup needs for the Chinese and Tibetan texts.

#if VER < EncodeVer(6,3,0)
  #error Inno Setup 6.3 or newer is needed (x64compatible, the install-mode page)
#endif

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExe "rangtang-desktop.exe"
#define BuildDir AddBackslash(SourcePath) + "..\..\dist\rangtang-desktop"

#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages "ChineseSimplified.isl"
#else
  #error ChineseSimplified.isl was not found: download it from https://jrsoftware.org/files/istrans/ into packaging\windows\ or Inno Setup's Languages folder
#endif

#if !FileExists(BuildDir + "\" + AppExe)
  #error dist\rangtang-desktop\rangtang-desktop.exe is missing: run "py packaging\build.py" first
#endif

[Setup]
; The AppId identifies the program for upgrades and the uninstaller: never change it.
AppId={{37142316-5FD4-42EF-B842-4C7F33729402}
AppName={cm:AppName}
AppVersion={#AppVersion}
AppVerName={cm:AppName} {#AppVersion}
AppPublisher=Rangtang County
DefaultDirName={autopf}\Rangtang Desktop
DisableProgramGroupPage=yes
DisableWelcomePage=no
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
UsedUserAreasWarning=no
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 runs on Windows 10 1809 and newer.
MinVersion=10.0.17763
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\..\dist
OutputBaseFilename=rangtang-desktop-{#AppVersion}-setup
UninstallDisplayIcon={app}\{#AppExe}
CloseApplications=yes
ShowLanguageDialog=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"
; Default.isl first: a message Tibetan.isl does not translate appears in English.
Name: "tibetan"; MessagesFile: "compiler:Default.isl,Tibetan.isl"

[CustomMessages]
chinesesimplified.AppName=壤塘儿童保护
tibetan.AppName=འཛམ་ཐང་བྱིས་པ་སྲུང་སྐྱོབ

[Messages]
; Say that uninstalling keeps the data (the register, backups, settings and logs).
chinesesimplified.ConfirmUninstall=您确认要完全移除 %1 及其所有组件吗？%n%n登记的数据、备份、设置和日志不会被删除。
tibetan.ConfirmUninstall=%1 དང་དེའི་ཆ་ཤས་ཚང་མ་ཡོངས་སུ་སྒྲིག་འཇུག་བསུབ་རྒྱུ་གཏན་འཁེལ་ལམ།%n%nཐོ་ཡིག་གི་གཞི་གྲངས་དང་རྒྱབ་ཉར། སྒྲིག་བཀོད། ཉིན་ཐོ་བཅས་མི་སུབ།

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder build: the executable, _internal\ and (on Windows) rangtang-cli.cmd.
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{cm:AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{cm:AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{cm:AppName}}"; Flags: nowait postinstall skipifsilent
