<#
.SYNOPSIS
    Collect read-only host facts of a Windows ECS for `ims-preflight check`.

.DESCRIPTION
    Reads (never changes) the SAN policy, the volume layout, the VirtIO drivers, Cloudbase-Init,
    Remote Desktop and DHCP settings of this Windows ECS, and writes them below -OutDir:

      OUT\facts\<server-id>\storage-setting.json       Get-StorageSetting | ConvertTo-Json
      OUT\facts\<server-id>\diskpart-san.txt           diskpart `san` (English text only)
      OUT\facts\<server-id>\diskpart-list-volume.txt   diskpart `list volume` (English text only)
      OUT\notes\<server-id>\*.txt                      hints for people (drivers, RDP, DHCP...)

    `ims-preflight check OUT` reads every file in facts\<server-id>\ as host facts of that
    server, so only formats the checker knows go there. Everything else is a note, which the
    checker does not read; notes\<server-id>\summary.txt ends with a suggested `optimization:`
    block for the inventory.

    diskpart prints its messages in the Windows display language. The checker reads only the
    English text (`SAN Policy  : Online All`, `Volume ###  Ltr  Label  Fs  Type ...`).
    `chcp 437` is NOT enough: it changes the console code page, not the language diskpart
    loads its messages in. On a non-English Windows this script saves the diskpart output as a
    note instead, and the SAN policy still reaches the checker through Get-StorageSetting,
    which is language-neutral. Spanned volumes then have to be read from the note by a person
    (or collected from an English display language), see dynamic-disks.txt.

    Needs an elevated PowerShell 3.0 or later (Windows Server 2012 or later for
    Get-StorageSetting). All files are written as UTF-8 without BOM.

.PARAMETER OutDir
    Output folder (default .\ims-facts).

.PARAMETER ServerId
    ECS server id (UUID). Default: `uuid` from the metadata service
    http://169.254.169.254/openstack/latest/meta_data.json

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\collect-windows.ps1 -OutDir C:\ims-facts
    # then, wherever ims-preflight runs:  ims-preflight check C:\ims-facts
#>
#Requires -Version 3.0
[CmdletBinding()]
param(
    [string]$OutDir = '.\ims-facts',
    [string]$ServerId
)

# Errors inside the try blocks below stop that step only; every step reports and goes on.
$ErrorActionPreference = 'Stop'

$MetaUrl = 'http://169.254.169.254/openstack/latest/meta_data.json'
$UuidPattern = '^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$'
$Written = New-Object System.Collections.Generic.List[string]

# Write text as UTF-8 without BOM. (PowerShell 5's Out-File writes UTF-16 by default and its
# `-Encoding utf8` adds a BOM; the checker accepts both, but plain UTF-8 is the simplest.)
function Write-Utf8File {
    param([string]$Path, [string[]]$Lines)
    # Join the lines with CRLF, as Windows tools expect, and end with one line break.
    $text = ($Lines -join "`r`n") + "`r`n"
    # .NET writes the bytes; UTF8Encoding($false) means "no byte order mark".
    [System.IO.File]::WriteAllText($Path, $text, (New-Object System.Text.UTF8Encoding $false))
    # Remember the file for the list printed at the end.
    $Written.Add($Path)
}

# Render objects as a wide text table (for notes only).
function Format-Note {
    param($InputObject)
    # Out-String keeps long values instead of cutting them at the console width; [string]
    # turns "no objects" into an empty text.
    return ([string]($InputObject | Format-Table -AutoSize | Out-String -Width 250)).TrimEnd()
}

function Write-Warn([string]$Message) { Write-Warning "collect-windows: $Message" }

# --- elevation ---------------------------------------------------------------------------------

# Who runs this script: diskpart and Get-WindowsDriver -Online need an elevated Administrator.
$principal = New-Object Security.Principal.WindowsPrincipal ([Security.Principal.WindowsIdentity]::GetCurrent())
# Stop early with a clear message rather than collecting half the facts.
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'collect-windows: run this from an elevated PowerShell ("Run as administrator"); diskpart and Get-WindowsDriver need it.'
}

# --- server id ---------------------------------------------------------------------------------

$IdSource = '-ServerId'
if (-not $ServerId) {
    $IdSource = $MetaUrl
    try {
        # Reach the link-local metadata service directly, never through a configured proxy.
        if ($PSVersionTable.PSVersion.Major -ge 6) {
            # PowerShell 7: -NoProxy skips the proxy for this one request.
            $meta = Invoke-RestMethod -Uri $MetaUrl -TimeoutSec 5 -NoProxy
        } else {
            # PowerShell 5: an empty proxy for this process only (not a system setting).
            [System.Net.WebRequest]::DefaultWebProxy = New-Object System.Net.WebProxy
            # Read meta_data.json; Invoke-RestMethod turns the JSON into an object.
            $meta = Invoke-RestMethod -Uri $MetaUrl -TimeoutSec 5 -UseBasicParsing
        }
        # The ECS server id is the `uuid` member of meta_data.json.
        $ServerId = [string]$meta.uuid
    } catch {
        throw "collect-windows: no server id: $MetaUrl did not answer ($($_.Exception.Message)); pass -ServerId <uuid>"
    }
}
# The checker only accepts a UUID as the folder name under facts\.
if ($ServerId -notmatch $UuidPattern) {
    throw "collect-windows: '$ServerId' is not a server id (a UUID like 0d44bcae-c716-4f38-b6c5-d963f2ea9888)"
}
$ServerId = $ServerId.ToLowerInvariant()

# --- output folders ----------------------------------------------------------------------------

# Resolve -OutDir against the current PowerShell location (.NET's current directory differs).
$OutFull = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutDir)
$FactsDir = Join-Path (Join-Path $OutFull 'facts') $ServerId
$NotesDir = Join-Path (Join-Path $OutFull 'notes') $ServerId
# Create both folders (the only place this script writes to).
New-Item -ItemType Directory -Force -Path $FactsDir, $NotesDir | Out-Null
# Drop this script's facts files from an earlier run so that a step skipped now (say, localised
# diskpart) does not leave stale facts; other files in the folder are left alone.
foreach ($name in 'storage-setting.json', 'diskpart-san.txt', 'diskpart-list-volume.txt') {
    # Remove-Item on our own output file only; -ErrorAction SilentlyContinue when it is absent.
    Remove-Item -LiteralPath (Join-Path $FactsDir $name) -ErrorAction SilentlyContinue
}

# Checklist verdicts (true, false or unknown) with a reason, for summary.txt.
$Verdict = [ordered]@{}
function Set-Verdict([string]$Key, [string]$Value, [string]$Reason) {
    $Verdict[$Key] = @($Value, $Reason)
}
Set-Verdict 'san_policy' 'unknown' 'not collected'
Set-Verdict 'spanned_volumes' 'unknown' 'diskpart list volume not read (see dynamic-disks.txt)'
Set-Verdict 'dhcp' 'unknown' 'not collected'
Set-Verdict 'virtio_drivers' 'unknown' 'not collected'
Set-Verdict 'remote_desktop' 'unknown' 'not collected'
Set-Verdict 'cloudbase_init' 'unknown' 'not collected'

# --- facts: SAN policy (Get-StorageSetting) ----------------------------------------------------

$SanNames = @{ 1 = 'OnlineAll'; 2 = 'OfflineShared'; 3 = 'OfflineAll'; 4 = 'OfflineInternal' }
try {
    # Get-StorageSetting (Storage module, Windows Server 2012+) reads the SAN policy:
    # NewDiskPolicy decides whether newly found disks come online. A whole image needs OnlineAll.
    $setting = Get-StorageSetting
    # Keep the two policy properties; ConvertTo-Json writes NewDiskPolicy as its number (1-4)
    # or its name, both of which the checker reads. (The full `Get-StorageSetting |
    # ConvertTo-Json` is accepted too, it is only longer.)
    $json = $setting | Select-Object -Property NewDiskPolicy, ScrubPolicy | ConvertTo-Json
    # Tell the policy's name for the summary: an enum prints its name, a number is mapped.
    $raw = $setting.NewDiskPolicy
    $name = [string]$raw
    if ($name -match '^\d+$') { $name = $SanNames[[int]$name] }
    if ($name -and $SanNames.Values -contains $name) {
        # A known policy: this is a facts file the checker can read.
        Write-Utf8File (Join-Path $FactsDir 'storage-setting.json') @($json)
        if ($name -eq 'OnlineAll') {
            Set-Verdict 'san_policy' $name 'Get-StorageSetting (facts\storage-setting.json)'
        } else {
            Set-Verdict 'san_policy' $name 'must be OnlineAll: Set-StorageSetting -NewDiskPolicy OnlineAll, or diskpart san policy=onlineall'
        }
    } else {
        # Unknown (0) or empty: the checker would reject it, so keep it as a note.
        Write-Warn "Get-StorageSetting returned NewDiskPolicy '$raw'; saved as a note, not as facts"
        Write-Utf8File (Join-Path $NotesDir 'storage-setting-unknown.txt') @($json)
        Set-Verdict 'san_policy' 'unknown' "NewDiskPolicy is '$raw'"
    }
} catch {
    Write-Warn "Get-StorageSetting failed ($($_.Exception.Message)); the diskpart 'san' output is the only SAN policy fact"
}

# --- facts: diskpart `san` and `list volume` ---------------------------------------------------

# Run one diskpart command from a script file and keep its output as facts when it is the
# English text the checker reads (the line matching $Marker), else as a note.
function Save-Diskpart {
    param([string]$Command, [string]$FileName, [string]$Marker)
    $base = [System.IO.Path]::GetFileNameWithoutExtension($FileName)
    # The diskpart script file goes into the notes folder (the checker ignores it).
    $scriptFile = Join-Path $NotesDir "$base.script.txt"
    # `san` without arguments and `list volume` only display; neither changes anything.
    Write-Utf8File $scriptFile @($Command)
    try {
        # diskpart /s runs the commands of the script file and prints the results (stderr is
        # not redirected: with 2>&1, PowerShell 5 would turn any stderr line into an error).
        $output = & diskpart.exe /s $scriptFile | ForEach-Object { [string]$_ }
    } catch {
        Write-Warn "diskpart /s failed: $($_.Exception.Message)"
        return $null
    }
    # diskpart's exit code: 0 when the script ran.
    if ($LASTEXITCODE -ne 0) { Write-Warn "diskpart /s '$Command' exited with $LASTEXITCODE" }
    # English output has the marker line; a localised one does not and would be an error.
    if ($output -match $Marker) {
        Write-Utf8File (Join-Path $FactsDir $FileName) $output
    } else {
        $note = Join-Path $NotesDir "$base.localized.txt"
        Write-Utf8File $note $output
        Write-Warn "diskpart '$Command' output is not English; saved to $note (not facts). chcp 437 does not change diskpart's language."
    }
    return $output
}

# `san` prints one line such as "SAN Policy  : Online All".
$sanText = Save-Diskpart -Command 'san' -FileName 'diskpart-san.txt' -Marker 'SAN Policy\s*:'
# `list volume` prints "Volume ###  Ltr  Label  Fs  Type  Size  Status  Info" and one row per
# volume; Type `Spanned` is what a whole image cannot have.
$volText = Save-Diskpart -Command 'list volume' -FileName 'diskpart-list-volume.txt' -Marker 'Volume ###.*Type'
if ($Verdict['san_policy'][0] -eq 'unknown' -and $sanText -match 'SAN Policy\s*:\s*Online All') {
    Set-Verdict 'san_policy' 'OnlineAll' 'diskpart san (facts\diskpart-san.txt)'
}
# Spanned volumes, from the English `list volume` text only (localised text is not read).
if ($volText -match 'Volume ###.*Type') {
    if ($volText -match '^\s*Volume \d+\s.*\sSpanned\s') {
        Set-Verdict 'spanned_volumes' 'present' 'a whole image cannot have spanned volumes (facts\diskpart-list-volume.txt)'
    } else {
        Set-Verdict 'spanned_volumes' 'none' 'diskpart list volume (facts\diskpart-list-volume.txt)'
    }
}

# --- notes: dynamic disks (spanned volumes need them) ------------------------------------------

try {
    # Get-Disk lists the disks with their partition style (MBR/GPT) and whether they are online.
    $disks = Get-Disk | Select-Object Number, FriendlyName, PartitionStyle, OperationalStatus, IsOffline, IsBoot, IsSystem, Size
    # Get-Partition lists partitions; an LDM partition marks a dynamic disk: GPT type
    # {af9b60a0-...} (LDM data) or {5808c8aa-...} (LDM metadata), or MBR type 0x42 (66).
    $ldm = Get-Partition | Where-Object {
        $_.GptType -in '{af9b60a0-1431-4f62-bc68-3311714a69ad}', '{5808c8aa-7e8f-42e0-85d2-e1e90434cfb3}' -or $_.MbrType -eq 66
    } | Select-Object DiskNumber, PartitionNumber, GptType, MbrType, Size
    $lines = @('# Spanned volumes exist only on dynamic (LDM) disks. No LDM partition = no spanned volume.',
        (Format-Note $disks), '', '# LDM partitions (dynamic disks):')
    if ($ldm) {
        $lines += Format-Note $ldm
        $lines += 'Dynamic disks present: check diskpart list volume for Type "Spanned".'
    } else {
        $lines += '(none): only basic disks, so no spanned volume.'
    }
    Write-Utf8File (Join-Path $NotesDir 'dynamic-disks.txt') $lines
} catch {
    Write-Warn "Get-Disk/Get-Partition failed: $($_.Exception.Message)"
}

# --- notes: VirtIO drivers (W3) ----------------------------------------------------------------

$VirtioPattern = 'viostor|vioscsi|netkvm|balloon|vioser|viorng|vioinput|viofs|fwcfg|pvpanic|qemu'
$lines = @('# W3: KVM guest drivers (VirtIO: viostor/vioscsi storage, netkvm network), or the older',
    '# Huawei UVP VMTools. Driver packages in the driver store:')
$driverOk = $null
try {
    # Get-WindowsDriver -Online lists the third-party driver packages installed in this Windows;
    # keep VirtIO ones (Red Hat's viostor, vioscsi, netkvm, ...) and Huawei/UVP ones.
    $pkgs = Get-WindowsDriver -Online | Where-Object {
        $_.OriginalFileName -match $VirtioPattern -or $_.ProviderName -match 'Red Hat|Huawei|UVP'
    } | Select-Object Driver, @{ n = 'Inf'; e = { Split-Path -Leaf $_.OriginalFileName } }, ProviderName, ClassName, Version, Date
    if ($pkgs) { $lines += Format-Note $pkgs } else { $lines += '(no VirtIO/UVP driver package found)' }
} catch {
    # Older systems or no DISM module: pnputil lists the driver store as (localised) text.
    $lines += "Get-WindowsDriver failed ($($_.Exception.Message)); pnputil output follows:"
    try {
        # pnputil /enum-drivers (Windows 10 / Server 2016+) lists all third-party drivers.
        $text = & pnputil.exe /enum-drivers | ForEach-Object { [string]$_ }
        if ($LASTEXITCODE -ne 0) {
            # pnputil -e is the older spelling (Windows Server 2012 R2 and before).
            $text = & pnputil.exe -e | ForEach-Object { [string]$_ }
        }
        $lines += $text
    } catch {
        $lines += "pnputil failed: $($_.Exception.Message)"
    }
}
try {
    # Win32_SystemDriver lists kernel driver services by their fixed (not localised) names;
    # viostor/vioscsi carry the system disk and netkvm the NIC on a KVM ECS.
    $services = Get-CimInstance -ClassName Win32_SystemDriver | Where-Object { $_.Name -match "^($VirtioPattern)$" } |
        Select-Object Name, State, StartMode, PathName
    $lines += ''
    $lines += '# Driver services (State Running = in use now):'
    if ($services) { $lines += Format-Note $services } else { $lines += '(no VirtIO driver service)' }
    $names = @($services | ForEach-Object { $_.Name })
    $storage = ($names -contains 'viostor') -or ($names -contains 'vioscsi')
    $driverOk = $storage -and ($names -contains 'netkvm')
    if ($driverOk) {
        Set-Verdict 'virtio_drivers' 'true' 'viostor/vioscsi and netkvm driver services present'
    } else {
        Set-Verdict 'virtio_drivers' 'false' 'no VirtIO storage driver (viostor/vioscsi) or no netkvm service; see drivers.txt (UVP VMTools also qualify)'
    }
} catch {
    $lines += "Win32_SystemDriver failed: $($_.Exception.Message)"
}
Write-Utf8File (Join-Path $NotesDir 'drivers.txt') $lines

# --- notes: Cloudbase-Init (W4) ----------------------------------------------------------------

$lines = @('# W4: Cloudbase-Init (recommended). Huawei: metadata_services = ...httpservice.HttpService,',
    '# netbios_host_name_compatibility=false, service NOT run as LocalSystem, DHCP on the ECS.')
try {
    # Win32_Service reads the service's state, start mode and the account it runs as.
    $cbi = Get-CimInstance -ClassName Win32_Service -Filter "Name='cloudbase-init'"
    if ($cbi) {
        $lines += Format-Note ($cbi | Select-Object Name, State, StartMode, StartName, PathName)
        Set-Verdict 'cloudbase_init' 'true' "cloudbase-init service present (runs as $($cbi.StartName))"
        if ($cbi.StartName -eq 'LocalSystem') { $lines += 'REVIEW: the service runs as LocalSystem; Huawei asks for that box to be unchecked.' }
    } else {
        $lines += 'cloudbase-init service: not installed'
        Set-Verdict 'cloudbase_init' 'false' 'Cloudbase-Init is not installed (recommended, not required)'
    }
    # The configuration file of a default installation.
    $conf = Join-Path $env:ProgramFiles 'Cloudbase Solutions\Cloudbase-Init\conf\cloudbase-init.conf'
    # Test-Path only checks that the file exists.
    if (Test-Path -LiteralPath $conf) {
        $lines += ''
        $lines += "${conf}:"
        # Select-String reads the file and keeps the settings Huawei asks about.
        $lines += Select-String -LiteralPath $conf -Pattern '^\s*(metadata_services|netbios_host_name_compatibility|plugins|username|logging_serial_port_settings|first_logon_behaviour)\s*=' |
            ForEach-Object { "  $($_.LineNumber): $($_.Line)" }
    }
} catch {
    $lines += "Cloudbase-Init check failed: $($_.Exception.Message)"
}
Write-Utf8File (Join-Path $NotesDir 'cloudbase-init.txt') $lines

# --- notes: Remote Desktop (W2) ----------------------------------------------------------------

$lines = @('# W2: Remote Desktop enabled (fDenyTSConnections = 0) and allowed by the firewall.')
try {
    # fDenyTSConnections in the Terminal Server key: 0 = RDP connections allowed, 1 = denied.
    $deny = (Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server' -Name fDenyTSConnections).fDenyTSConnections
    $lines += "HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server fDenyTSConnections = $deny"
    # A Group Policy value of the same name overrides it when present.
    $policy = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services' -Name fDenyTSConnections -ErrorAction SilentlyContinue
    $policyDeny = $null
    if ($policy) {
        $policyDeny = $policy.fDenyTSConnections
        $lines += "Group Policy fDenyTSConnections = $policyDeny (overrides the value above)"
    }
    $effective = if ($null -ne $policyDeny) { $policyDeny } else { $deny }
    # Win32_Service reads whether the Remote Desktop service (TermService) is set to start.
    $term = Get-CimInstance -ClassName Win32_Service -Filter "Name='TermService'"
    if ($term) { $lines += "TermService: $($term.State), start mode $($term.StartMode)" }
    $fwOk = $true
    try {
        # Get-NetFirewallRule -Group takes the language-neutral group id of "Remote Desktop"
        # (@FirewallAPI.dll,-28752); Enabled True = the inbound rule lets RDP through.
        $rules = Get-NetFirewallRule -Group '@FirewallAPI.dll,-28752' | Select-Object DisplayName, Enabled, Direction, Profile
        $lines += Format-Note $rules
        $fwOk = [bool]($rules | Where-Object { "$($_.Enabled)" -eq 'True' -and "$($_.Direction)" -eq 'Inbound' })
    } catch {
        $lines += "firewall rules not read: $($_.Exception.Message)"
    }
    if ("$effective" -eq '0' -and $fwOk) {
        Set-Verdict 'remote_desktop' 'true' 'fDenyTSConnections = 0 and the Remote Desktop firewall rule is enabled'
    } elseif ("$effective" -ne '0') {
        Set-Verdict 'remote_desktop' 'false' "fDenyTSConnections = $effective (RDP denied)"
    } else {
        Set-Verdict 'remote_desktop' 'false' 'RDP allowed, but no enabled inbound Remote Desktop firewall rule'
    }
} catch {
    $lines += "Remote Desktop check failed: $($_.Exception.Message)"
}
Write-Utf8File (Join-Path $NotesDir 'remote-desktop.txt') $lines

# --- notes: DHCP per adapter (W1) --------------------------------------------------------------

$lines = @('# W1: every NIC obtains its IP address and its DNS servers automatically (DHCP).')
try {
    # Win32_NetworkAdapterConfiguration: one row per adapter with IP enabled; DHCPEnabled tells
    # "Obtain an IP address automatically".
    $nics = Get-CimInstance -ClassName Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = TRUE'
    $rows = foreach ($nic in $nics) {
        # NameServer under the adapter's Tcpip key is empty when DNS comes from DHCP
        # ("Obtain DNS server address automatically").
        $key = "HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters\Interfaces\$($nic.SettingID)"
        $ns = (Get-ItemProperty -LiteralPath $key -Name NameServer -ErrorAction SilentlyContinue).NameServer
        [pscustomobject]@{
            Adapter     = $nic.Description
            DHCP        = $nic.DHCPEnabled
            DnsAuto     = [string]::IsNullOrEmpty($ns)
            IPAddress   = ($nic.IPAddress -join ', ')
            DnsServers  = ($nic.DNSServerSearchOrder -join ', ')
        }
    }
    $lines += Format-Note $rows
    $static = @($rows | Where-Object { -not $_.DHCP -or -not $_.DnsAuto })
    if (-not $rows) {
        Set-Verdict 'dhcp' 'unknown' 'no adapter with IP enabled'
    } elseif ($static.Count -eq 0) {
        Set-Verdict 'dhcp' 'true' 'every adapter gets its address and DNS by DHCP'
    } else {
        Set-Verdict 'dhcp' 'false' "$($static.Count) adapter(s) with a fixed address or fixed DNS servers"
    }
} catch {
    $lines += "adapter check failed: $($_.Exception.Message)"
}
Write-Utf8File (Join-Path $NotesDir 'network-dhcp.txt') $lines

# --- notes: system and summary -----------------------------------------------------------------

try {
    # Win32_OperatingSystem: the Windows edition, version and display language of this ECS.
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $osLine = "$($os.Caption) $($os.Version), language $($os.OSLanguage), UI culture $((Get-UICulture).Name)"
} catch {
    $osLine = "unknown ($($_.Exception.Message))"
}
Write-Utf8File (Join-Path $NotesDir 'system.txt') @(
    "collected: $((Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')) by collect-windows.ps1",
    "server id: $ServerId (from $IdSource)",
    "windows: $osLine",
    "powershell: $($PSVersionTable.PSVersion)")

$lines = @("Huawei optimisation checklist (Huawei Cloud IMS guide: optimising a Windows private image) for $ServerId")
foreach ($k in $Verdict.Keys) {
    $lines += ('  {0,-16} {1,-15} {2}' -f $k, $Verdict[$k][0], $Verdict[$k][1])
}
$lines += ''
$lines += 'The checker does not read these notes. Suggested inventory entry (review first; the'
$lines += 'SAN policy and volumes come from the facts folder when it holds them):'
$lines += ''
$lines += 'servers:'
$lines += "  - id: $ServerId"
$lines += '    os: windows'
$lines += '    optimization:'
foreach ($k in 'dhcp', 'virtio_drivers', 'remote_desktop', 'cloudbase_init') {
    $v = $Verdict[$k]
    if ($v[0] -eq 'unknown') { $lines += "      # ${k}: ?   # $($v[1])" } else { $lines += "      ${k}: $($v[0])   # $($v[1])" }
}
$summary = Join-Path $NotesDir 'summary.txt'
Write-Utf8File $summary $lines

# --- report ------------------------------------------------------------------------------------

Write-Output "ims-preflight host facts for server $ServerId (id from $IdSource)"
Write-Output 'written:'
$Written | ForEach-Object { Write-Output "  $_" }
Write-Output ''
$lines[0..($Verdict.Count)] | ForEach-Object { Write-Output $_ }
Write-Output ''
Write-Output 'Check with:'
Write-Output "  ims-preflight check $OutFull"
