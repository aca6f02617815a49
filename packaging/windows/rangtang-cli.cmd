@echo off
rem Rangtang Desktop commands from cmd.exe: runs rangtang-desktop.exe beside this file with the
rem same arguments and waits for it (cmd.exe does not wait for a windowed program typed at its
rem prompt, but does in a batch file), then passes on its exit status.
rem   rangtang-cli --selftest
rem   rangtang-cli backup --db D:\rangtang.sqlite3 --to E:\
"%~dp0rangtang-desktop.exe" %*
exit /b %ERRORLEVEL%
