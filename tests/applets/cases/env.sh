# env: set variables for a command, -i empty environment, -u unset, export.
env FOO=bar sh -c 'echo $FOO'
env -i A=1 B=2 env | sort
export XYZ=exported
sh -c 'echo child sees $XYZ'
env -u XYZ sh -c 'echo "unset: [${XYZ}]"'
env | grep -c '^XYZ=exported$'
