; *** Inno Setup 6.3+ Tibetan (བོད་ཡིག) messages for Rangtang Desktop ***
;
; NATIVE REVIEW NEEDED: this translation was drafted for Rangtang Desktop and has not yet been checked
; by a native Tibetan speaker. A reviewer must read every line (on a Windows machine, in the running
; installer) before the installer is given to villages; the terms follow the project's glossary
; (translations/glossary.csv and the program's catalog): install སྒྲིག་འཇུག, uninstall
; སྒྲིག་འཇུག་བསུབ, Next རྗེས་མ, Back ཕྱིར་ལོག, Cancel འདོར་བ, Finish མཇུག་སྒྲིལ, OK གཏན་འཁེལ,
; folder ཡིག་ཁུག, program མཉེན་ཆས, computer གློག་ཀླད. Words not in the glossary and to check
; first: browse བཤར་ལྟ, shortcut མྱུར་ལམ, desktop ཅོག་ངོས, disk སྡུད་སྡེར, wizard ལམ་སྟོན.
;
; There is no official or user-contributed Tibetan translation of Inno Setup. This file holds the
; messages a normal installation and uninstallation of Rangtang Desktop shows (language choice,
; install mode, welcome, destination folder, ready, installing, finished, the buttons, and the
; uninstaller's confirmation and progress). rangtang.iss reads it after Default.isl
; (MessagesFile: "compiler:Default.isl,Tibetan.isl"), so any message missing here appears in English
; instead of stopping the compiler. The message names are those of Inno Setup's English Default.isl.
;
; Saved as UTF-8 with a byte-order mark: Inno Setup reads the file as Unicode only with it.

[LangOptions]
LanguageName=བོད་ཡིག
; Tibetan (PRC). No Windows code page holds Tibetan, so no code-page check (0).
LanguageID=$0451
LanguageCodePage=0
; Windows 10 and 11 ship "Microsoft Himalaya" for Tibetan; its letters are small for their size, so
; the sizes are larger than the default. Check on Windows that the wizard pages are not cut off.
DialogFontName=Microsoft Himalaya
DialogFontSize=14
WelcomeFontName=Microsoft Himalaya
WelcomeFontSize=20

[Messages]

; *** Application titles
SetupAppTitle=སྒྲིག་འཇུག
SetupWindowTitle=སྒྲིག་འཇུག - %1
UninstallAppTitle=སྒྲིག་འཇུག་བསུབ
UninstallAppFullTitle=%1 སྒྲིག་འཇུག་བསུབ

; *** Misc. common
InformationTitle=གསལ་བརྡ
ConfirmTitle=གཏན་འཁེལ
ErrorTitle=ནོར་འཁྲུལ

; *** SetupLdr messages
SetupLdrStartupMessage=%1 སྒྲིག་འཇུག་བྱེད་རྒྱུ་ཡིན། མུ་མཐུད་དམ།

; *** Startup error messages
SetupAlreadyRunning=སྒྲིག་འཇུག་འཁོར་བཞིན་ཡོད།
WindowsVersionNotSupported=མཉེན་ཆས་འདིས་གློག་ཀླད་འདིའི་ Windows པར་གཞི་ལ་རྒྱབ་སྐྱོར་མི་བྱེད།
SetupAppRunningError=%1 ད་ལྟ་འཁོར་བཞིན་ཡོད།%n%nདེ་ཁ་རྒྱག་རྗེས་“གཏན་འཁེལ”ལ་མནན་ནས་མུ་མཐུད། ཡང་ན་“འདོར་བ”ལ་མནན་ནས་ཕྱིར་འཐོན།
UninstallAppRunningError=%1 ད་ལྟ་འཁོར་བཞིན་ཡོད།%n%nདེ་ཁ་རྒྱག་རྗེས་“གཏན་འཁེལ”ལ་མནན་ནས་མུ་མཐུད། ཡང་ན་“འདོར་བ”ལ་མནན་ནས་ཕྱིར་འཐོན།

; *** Startup questions (install for all users or for me only)
PrivilegesRequiredOverrideTitle=སྒྲིག་འཇུག་གི་རྣམ་པ་འདེམས
PrivilegesRequiredOverrideInstruction=སྒྲིག་འཇུག་གི་རྣམ་པ་འདེམས
PrivilegesRequiredOverrideText1=%1 སྤྱོད་མཁན་ཚང་མའི་ཆེད་དུ་སྒྲིག་འཇུག་བྱེད་ཆོག （དོ་དམ་པའི་དབང་ཚད་དགོས།） ཡང་ན་ཁྱེད་རང་ཁོ་ནའི་ཆེད་དུ་སྒྲིག་འཇུག་བྱེད་ཆོག
PrivilegesRequiredOverrideText2=%1 ཁྱེད་རང་ཁོ་ནའི་ཆེད་དུ་སྒྲིག་འཇུག་བྱེད་ཆོག ཡང་ན་སྤྱོད་མཁན་ཚང་མའི་ཆེད་དུ་སྒྲིག་འཇུག་བྱེད་ཆོག （དོ་དམ་པའི་དབང་ཚད་དགོས།）
PrivilegesRequiredOverrideAllUsers=སྤྱོད་མཁན་ཚང་མའི་ཆེད་དུ་སྒྲིག་འཇུག(&A)
PrivilegesRequiredOverrideAllUsersRecommended=སྤྱོད་མཁན་ཚང་མའི་ཆེད་དུ་སྒྲིག་འཇུག(&A) （འོས་སྦྱོར།）
PrivilegesRequiredOverrideCurrentUser=ང་ཁོ་ནའི་ཆེད་དུ་སྒྲིག་འཇུག(&M)
PrivilegesRequiredOverrideCurrentUserRecommended=ང་ཁོ་ནའི་ཆེད་དུ་སྒྲིག་འཇུག(&M) （འོས་སྦྱོར།）

; *** Setup common messages
ExitSetupTitle=སྒྲིག་འཇུག་ནས་ཕྱིར་འཐོན
ExitSetupMessage=སྒྲིག་འཇུག་མ་ཚར་བས། ད་ལྟ་ཕྱིར་འཐོན་ན་མཉེན་ཆས་སྒྲིག་འཇུག་མི་འགྲུབ།%n%nརྗེས་སུ་སྒྲིག་འཇུག་ཡང་བསྐྱར་འཁོར་ནས་མཇུག་སྒྲིལ་ཆོག%n%nསྒྲིག་འཇུག་ནས་ཕྱིར་འཐོན་ནམ།

; *** Buttons
ButtonBack=< ཕྱིར་ལོག(&B)
ButtonNext=རྗེས་མ(&N) >
ButtonInstall=སྒྲིག་འཇུག(&I)
ButtonOK=གཏན་འཁེལ
ButtonCancel=འདོར་བ
ButtonYes=ཡིན(&Y)
ButtonYesToAll=ཚང་མ་ཡིན(&A)
ButtonNo=མིན(&N)
ButtonNoToAll=ཚང་མ་མིན(&O)
ButtonFinish=མཇུག་སྒྲིལ(&F)
ButtonBrowse=བཤར་ལྟ(&B)...
ButtonWizardBrowse=བཤར་ལྟ(&R)...
ButtonNewFolder=ཡིག་ཁུག་གསར་བཟོ(&M)

; *** "Select Language" dialog messages
SelectLanguageTitle=སྒྲིག་འཇུག་གི་སྐད་རིགས་འདེམས
SelectLanguageLabel=སྒྲིག་འཇུག་སྐབས་བེད་སྤྱོད་བྱེད་པའི་སྐད་རིགས་འདེམས།

; *** Common wizard text
ClickNext=“རྗེས་མ”ལ་མནན་ནས་མུ་མཐུད། ཡང་ན་“འདོར་བ”ལ་མནན་ནས་སྒྲིག་འཇུག་ནས་ཕྱིར་འཐོན།
BrowseDialogTitle=ཡིག་ཁུག་བཤར་ལྟ
BrowseDialogLabel=གཤམ་གྱི་ཐོ་ནས་ཡིག་ཁུག་ཅིག་འདེམས་རྗེས་“གཏན་འཁེལ”ལ་མནན།
NewFolderName=ཡིག་ཁུག་གསར་པ

; *** "Welcome" wizard page
WelcomeLabel1=[name] སྒྲིག་འཇུག་ལམ་སྟོན་ལ་དགའ་བསུ་ཞུ།
WelcomeLabel2=[name/ver] ཁྱེད་ཀྱི་གློག་ཀླད་ཐོག་སྒྲིག་འཇུག་བྱེད་རྒྱུ་ཡིན།%n%nམུ་མཐུད་པའི་སྔོན་ལ་མཉེན་ཆས་གཞན་ཚང་མ་ཁ་རྒྱག་རྒྱུའི་འོས་སྦྱོར་ཞུ།

; *** "Select Destination Location" wizard page
WizardSelectDir=སྒྲིག་འཇུག་བྱ་ཡུལ་འདེམས
SelectDirDesc=[name] གང་དུ་སྒྲིག་འཇུག་བྱེད་དམ།
SelectDirLabel3=སྒྲིག་འཇུག་གིས་ [name] གཤམ་གྱི་ཡིག་ཁུག་ནང་དུ་སྒྲིག་འཇུག་བྱེད།
SelectDirBrowseLabel=མུ་མཐུད་ན་“རྗེས་མ”ལ་མནན། ཡིག་ཁུག་གཞན་ཞིག་འདེམས་ན་“བཤར་ལྟ”ལ་མནན།
DiskSpaceGBLabel=སྡུད་སྡེར་གྱི་སྟོང་ཆ་ཉུང་མཐར་ [gb] GB དགོས།
DiskSpaceMBLabel=སྡུད་སྡེར་གྱི་སྟོང་ཆ་ཉུང་མཐར་ [mb] MB དགོས།
DiskSpaceWarningTitle=སྡུད་སྡེར་གྱི་སྟོང་ཆ་མི་འདང
DiskSpaceWarning=སྒྲིག་འཇུག་ལ་སྟོང་ཆ་ཉུང་མཐར་ %1 KB དགོས། འོན་ཀྱང་འདེམས་པའི་སྡུད་སྡེར་ལ་ %2 KB ལས་མེད།%n%nད་དུང་མུ་མཐུད་དམ།
DirExistsTitle=ཡིག་ཁུག་ཡོད་ཟིན
DirExists=ཡིག་ཁུག%n%n%1%n%nཡོད་ཟིན། ཡིག་ཁུག་དེའི་ནང་དུ་སྒྲིག་འཇུག་བྱེད་དམ།
DirDoesntExistTitle=ཡིག་ཁུག་མེད
DirDoesntExist=ཡིག་ཁུག%n%n%1%n%nམེད། ཡིག་ཁུག་དེ་གསར་བཟོ་བྱེད་དམ།

; *** "Select Additional Tasks" wizard page
WizardSelectTasks=ལས་འགན་གཞན་འདེམས
SelectTasksDesc=ལས་འགན་གཞན་གང་བྱེད་དམ།
SelectTasksLabel2=[name] སྒྲིག་འཇུག་སྐབས་སྒྲིག་འཇུག་གིས་བྱེད་དགོས་པའི་ལས་འགན་གཞན་འདེམས་རྗེས་“རྗེས་མ”ལ་མནན།

; *** "Ready to Install" wizard page
WizardReady=སྒྲིག་འཇུག་གི་གྲ་སྒྲིག་ཚར
ReadyLabel1=སྒྲིག་འཇུག་གིས་ [name] ཁྱེད་ཀྱི་གློག་ཀླད་ཐོག་སྒྲིག་འཇུག་བྱེད་འགོ་འཛུགས་རྒྱུའི་གྲ་སྒྲིག་ཚར།
ReadyLabel2a=“སྒྲིག་འཇུག”ལ་མནན་ནས་མུ་མཐུད། སྒྲིག་བཀོད་ལ་བསྐྱར་ཞིབ་དང་བཟོ་བཅོས་བྱེད་ན་“ཕྱིར་ལོག”ལ་མནན།
ReadyLabel2b=“སྒྲིག་འཇུག”ལ་མནན་ནས་མུ་མཐུད།
ReadyMemoDir=སྒྲིག་འཇུག་བྱ་ཡུལ།
ReadyMemoTasks=ལས་འགན་གཞན།

; *** "Preparing to Install" wizard page
WizardPreparing=སྒྲིག་འཇུག་གི་གྲ་སྒྲིག་བྱེད་བཞིན་པ
PreparingDesc=སྒྲིག་འཇུག་གིས་ [name] ཁྱེད་ཀྱི་གློག་ཀླད་ཐོག་སྒྲིག་འཇུག་བྱེད་པའི་གྲ་སྒྲིག་བྱེད་བཞིན་ཡོད།
CannotContinue=སྒྲིག་འཇུག་མུ་མཐུད་མི་ཐུབ། “འདོར་བ”ལ་མནན་ནས་ཕྱིར་འཐོན།
ApplicationsFound=གཤམ་གྱི་མཉེན་ཆས་ཀྱིས་སྒྲིག་འཇུག་གིས་གསར་བསྒྱུར་བྱེད་དགོས་པའི་ཡིག་ཆ་བེད་སྤྱོད་བཞིན་ཡོད། སྒྲིག་འཇུག་གིས་མཉེན་ཆས་དེ་དག་རང་འགུལ་གྱིས་ཁ་རྒྱག་པའི་འོས་སྦྱོར་ཞུ།
ApplicationsFound2=གཤམ་གྱི་མཉེན་ཆས་ཀྱིས་སྒྲིག་འཇུག་གིས་གསར་བསྒྱུར་བྱེད་དགོས་པའི་ཡིག་ཆ་བེད་སྤྱོད་བཞིན་ཡོད། སྒྲིག་འཇུག་གིས་མཉེན་ཆས་དེ་དག་རང་འགུལ་གྱིས་ཁ་རྒྱག་པའི་འོས་སྦྱོར་ཞུ། སྒྲིག་འཇུག་ཚར་རྗེས་སྒྲིག་འཇུག་གིས་མཉེན་ཆས་དེ་དག་བསྐྱར་དུ་ཁ་ཕྱེ་རྩོལ་བྱེད།
CloseApplications=མཉེན་ཆས་རང་འགུལ་གྱིས་ཁ་རྒྱག(&A)
DontCloseApplications=མཉེན་ཆས་ཁ་མི་རྒྱག(&D)

; *** "Installing" wizard page
WizardInstalling=སྒྲིག་འཇུག་བྱེད་བཞིན་པ
InstallingLabel=སྒྲིག་འཇུག་གིས་ [name] ཁྱེད་ཀྱི་གློག་ཀླད་ཐོག་སྒྲིག་འཇུག་བྱེད་བཞིན་ཡོད། ཅུང་ཙམ་སྒུག་རོགས།

; *** "Setup Completed" wizard page
FinishedHeadingLabel=[name] སྒྲིག་འཇུག་གྲུབ་ཟིན
FinishedLabelNoIcons=སྒྲིག་འཇུག་གིས་ [name] ཁྱེད་ཀྱི་གློག་ཀླད་ཐོག་སྒྲིག་འཇུག་བྱས་ཚར།
FinishedLabel=སྒྲིག་འཇུག་གིས་ [name] ཁྱེད་ཀྱི་གློག་ཀླད་ཐོག་སྒྲིག་འཇུག་བྱས་ཚར། སྒྲིག་འཇུག་བྱས་པའི་མྱུར་ལམ་ལ་མནན་ནས་མཉེན་ཆས་ཁ་ཕྱེ་ཆོག
ClickFinish=“མཇུག་སྒྲིལ”ལ་མནན་ནས་སྒྲིག་འཇུག་ནས་ཕྱིར་འཐོན།
RunEntryExec=%1 ཁ་ཕྱེ
RunEntryShellExec=%1 ལ་ལྟ

; *** Installation phase messages
SetupAborted=སྒྲིག་འཇུག་མ་གྲུབ།%n%nདཀའ་ངལ་སེལ་རྗེས་སྒྲིག་འཇུག་ཡང་བསྐྱར་འཁོར་རོགས།

; *** Installation status messages
StatusClosingApplications=མཉེན་ཆས་ཁ་རྒྱག་བཞིན་པ...
StatusCreateDirs=ཡིག་ཁུག་གསར་བཟོ་བྱེད་བཞིན་པ...
StatusExtractFiles=ཡིག་ཆ་འདྲ་བཤུས་བྱེད་བཞིན་པ...
StatusCreateIcons=མྱུར་ལམ་གསར་བཟོ་བྱེད་བཞིན་པ...
StatusSavingUninstall=སྒྲིག་འཇུག་བསུབ་པའི་ཆ་འཕྲིན་ཉར་ཚགས་བྱེད་བཞིན་པ...
StatusRunProgram=སྒྲིག་འཇུག་མཇུག་སྒྲིལ་བཞིན་པ...
StatusRestartingApplications=མཉེན་ཆས་བསྐྱར་དུ་ཁ་ཕྱེ་བཞིན་པ...
StatusRollback=བཟོ་བཅོས་ཕྱིར་ལོག་བྱེད་བཞིན་པ...

; *** Uninstaller messages
ConfirmUninstall=%1 དང་དེའི་ཆ་ཤས་ཚང་མ་ཡོངས་སུ་སྒྲིག་འཇུག་བསུབ་རྒྱུ་གཏན་འཁེལ་ལམ།
OnlyAdminCanUninstall=སྒྲིག་འཇུག་འདི་དོ་དམ་པའི་དབང་ཚད་ཡོད་པའི་སྤྱོད་མཁན་ཁོ་ནས་སྒྲིག་འཇུག་བསུབ་ཐུབ།
UninstallStatusLabel=%1 ཁྱེད་ཀྱི་གློག་ཀླད་ནས་སུབ་བཞིན་ཡོད། ཅུང་ཙམ་སྒུག་རོགས།
UninstalledAll=%1 ཁྱེད་ཀྱི་གློག་ཀླད་ནས་ལེགས་པར་སུབ་ཟིན།
UninstalledMost=%1 སྒྲིག་འཇུག་བསུབ་ཚར།%n%nཆ་ཤས་འགའ་སུབ་མ་ཐུབ། དེ་དག་ལག་བཟོས་སུབ་ཆོག
WizardUninstalling=སྒྲིག་འཇུག་བསུབ་པའི་ངང་ཚུལ
StatusUninstalling=%1 སྒྲིག་འཇུག་བསུབ་བཞིན་པ...

[CustomMessages]
NameAndVersion=%1 པར་གཞི %2
AdditionalIcons=མྱུར་ལམ་གཞན།
CreateDesktopIcon=ཅོག་ངོས་སུ་མྱུར་ལམ་གསར་བཟོ(&D)
UninstallProgram=%1 སྒྲིག་འཇུག་བསུབ
LaunchProgram=%1 ཁ་ཕྱེ
