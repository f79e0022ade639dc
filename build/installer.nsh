; Threadline additions to electron-builder's NSIS installer (electron-builder.yml nsis.include).
;
; Install-time server URL, for silent IT installs:
;   Threadline-Setup.exe /S /allusers /SERVER=https://threadline.example.com
; writes {"serverUrl": "<url>"} to Threadline's configuration file:
;   per-machine install (/allusers, or "Anyone who uses this computer"): %ProgramData%\Threadline\config.json
;   per-user install (/currentuser, the default):                        %APPDATA%\Threadline\config.json
; An existing file is never overwritten (IT may manage it, with more fields and locks): the
; installer leaves it as it is and says so in its details log. Automatic updates (--updated) skip
; all of this. A URL that is not http(s) or holds characters outside RFC 3986 is refused, so the
; JSON can never be broken out of; the install then goes on without writing the file.

!include FileFunc.nsh
!include LogicLib.nsh

; Characters allowed in the URL (RFC 3986 unreserved, reserved and '%'); no quote, backslash or space.
!define THREADLINE_URL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$$&'()*+,;=%"

; In: $R1 the URL. Out: $R2 = "ok" or the reason it is refused. Uses $R4-$R8.
!macro threadlineCheckServerUrl
  StrCpy $R2 "ok"
  StrCpy $R4 $R1 8
  StrCpy $R5 $R1 7
  ${If} $R4 != "https://"
  ${AndIf} $R5 != "http://"
    StrCpy $R2 "it must start with https:// or http://"
  ${EndIf}
  StrLen $R6 $R1
  ${If} $R6 > 2000
    StrCpy $R2 "it is longer than 2000 characters"
  ${EndIf}
  ; Every character must be in THREADLINE_URL_CHARS (S== compares case-sensitively).
  StrCpy $R6 0
  ${DoWhile} $R2 == "ok"
    StrCpy $R4 $R1 1 $R6
    ${IfThen} $R4 == "" ${|} ${ExitDo} ${|}
    StrCpy $R7 0
    StrCpy $R8 "bad"
    ${Do}
      StrCpy $R5 "${THREADLINE_URL_CHARS}" 1 $R7
      ${IfThen} $R5 == "" ${|} ${ExitDo} ${|}
      ${If} $R4 S== $R5
        StrCpy $R8 "good"
        ${ExitDo}
      ${EndIf}
      IntOp $R7 $R7 + 1
    ${Loop}
    ${If} $R8 == "bad"
      StrCpy $R2 "it contains a character that is not allowed in a URL"
    ${EndIf}
    IntOp $R6 $R6 + 1
  ${Loop}
!macroend

!macro threadlineWriteServerConfig
  ${IfNot} ${isUpdated}
    ${GetParameters} $R0
    ClearErrors
    ${GetOptions} $R0 "/SERVER=" $R1
    ${IfNot} ${Errors}
    ${AndIf} $R1 != ""
      !insertmacro threadlineCheckServerUrl
      ${If} $R2 != "ok"
        DetailPrint "Threadline: /SERVER=$R1 ignored: $R2"
      ${Else}
        ${If} $installMode == "all"
          ReadEnvStr $R3 "PROGRAMDATA"
          ${IfThen} $R3 == "" ${|} StrCpy $R3 "C:\ProgramData" ${|}
          StrCpy $R3 "$R3\${PRODUCT_NAME}"
        ${Else}
          ; Electron's userData for this app: %APPDATA%\<productName>.
          StrCpy $R3 "$APPDATA\${PRODUCT_NAME}"
        ${EndIf}
        ${If} ${FileExists} "$R3\config.json"
          DetailPrint "Threadline: $R3\config.json exists and was left unchanged (/SERVER=$R1 not applied)"
        ${Else}
          CreateDirectory "$R3"
          ClearErrors
          FileOpen $R9 "$R3\config.json" w
          ${If} ${Errors}
            DetailPrint "Threadline: cannot write $R3\config.json"
          ${Else}
            FileWrite $R9 '{$\r$\n  "serverUrl": "$R1"$\r$\n}$\r$\n'
            FileClose $R9
            DetailPrint "Threadline: server URL $R1 written to $R3\config.json"
          ${EndIf}
        ${EndIf}
      ${EndIf}
    ${EndIf}
  ${EndIf}
!macroend

!macro customInstall
  !insertmacro threadlineWriteServerConfig
!macroend

; The machine-wide configuration belongs to IT: uninstalling never removes it.
